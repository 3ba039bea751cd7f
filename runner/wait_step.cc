#include "runner/guest_access.h"
#include "runner/step_executor.h"

namespace livecheck {

asio::awaitable<void> WaitStep::Run(RunContext& ctx, const ScenarioStep& step) const {
  if (ctx.access.IsReadyPhase(step.arg)) co_await ctx.access.WaitReady(ctx);
  else co_await WaitForPhase(ctx, step.arg);
}

}  // namespace livecheck
