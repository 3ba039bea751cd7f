#include "runner/guest_access.h"
#include "runner/machine_control.h"
#include "runner/step_executor.h"

namespace livecheck {

// The guest's data reaches its disks first (a shell's sync); then the guest
// powers off where the backend can keep the machine for its counters.
asio::awaitable<void> PoweroffStep::Run(RunContext& ctx, const ScenarioStep&) const {
  co_await ctx.access.Sync(ctx);
  co_await ctx.machine.PowerOff(ctx);
}

}  // namespace livecheck
