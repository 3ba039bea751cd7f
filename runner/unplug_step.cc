#include "runner/machine_control.h"
#include "runner/step_executor.h"

namespace livecheck {

asio::awaitable<void> UnplugStep::Run(RunContext& ctx, const ScenarioStep&) const {
  co_await ctx.machine.UnplugStick(ctx);
}

}  // namespace livecheck
