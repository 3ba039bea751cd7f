#include "runner/guest_access.h"
#include "runner/step_executor.h"

namespace livecheck {

asio::awaitable<void> WorkloadStep::Run(RunContext& ctx, const ScenarioStep& step) const {
  ctx.Announce("workload " + step.arg);
  ctx.result.workloads.push_back(co_await ctx.access.Workload(ctx, step.arg));
  co_return;  // cppcheck 2.10 takes a coroutine without one for a function missing its return
}

}  // namespace livecheck
