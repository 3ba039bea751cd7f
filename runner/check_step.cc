#include "evidence/check_names.h"
#include "runner/guest_access.h"
#include "runner/step_executor.h"
#include "runner/trace_steps.h"

namespace livecheck {

asio::awaitable<void> CheckStep::Run(RunContext& ctx, const ScenarioStep& step) const {
  const auto& name = step.arg;
  ctx.Announce("check " + name);
  // Checks that need the inside of the guest are SKIP when nothing there answers.
  if (!ctx.access.unavailable().empty() && (!IsHostCheck(name) || name == "canary")) {
    ctx.result.checks.push_back(CheckResult{name, Status::kSkip, ctx.access.unavailable(), {}});
    co_return;
  }
  if (name == "canary") co_await PlantCanary(ctx);
  if (name == "internal-disk-untouched") {
    co_await ctx.access.WaitReady(ctx);
    co_await ctx.access.GatherDiskFacts(ctx, kAgentTimeout);
  }
  if (name == "ram-residue") ctx.result.checks.push_back(co_await CheckRamResidueNow(ctx));
  else if (IsHostCheck(name)) ctx.deferred_checks.push_back(name);
  else ctx.result.checks.push_back(co_await ctx.access.GuestCheck(ctx, name));
  co_return;  // cppcheck 2.10 takes a coroutine without one for a function missing its return
}

}  // namespace livecheck
