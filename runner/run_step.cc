#include "evidence/command_check.h"
#include "runner/guest_access.h"
#include "runner/step_executor.h"

namespace livecheck {

asio::awaitable<void> RunStep::Run(RunContext& ctx, const ScenarioStep& step) const {
  auto name = CommandCheckName(step.arg);
  ctx.Announce(name);
  if (!ctx.access.unavailable().empty()) {
    ctx.result.checks.push_back(CheckResult{name, Status::kSkip, ctx.access.unavailable(), {}});
    co_return;
  }
  auto answer = co_await ctx.access.RunCommand(ctx, step.arg, step.seconds);
  ctx.result.checks.push_back(
      CheckCommandResult(CommandEvidence(step.arg, step.expect_exit, step.expect_output, step.seconds, answer)));
  co_return;  // cppcheck 2.10 takes a coroutine without one for a function missing its return
}

}  // namespace livecheck
