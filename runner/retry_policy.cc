#include "runner/retry_policy.h"

namespace livecheck {

bool ShouldRetry(const RunResult& result, int retry_errors) {
  return result.status == Status::kError && result.error_cause == ErrorCause::kInfrastructure &&
         result.attempt <= retry_errors;
}

RunAttempt AttemptOf(const RunResult& result) {
  return {.attempt = result.attempt, .status = result.status, .error = result.error, .cause = result.error_cause,
          .wall_seconds = result.wall_seconds, .console_log = result.console_log};
}

RunResult WithAttempts(RunResult last, std::vector<RunAttempt> earlier) {
  bool infrastructure_before = false;
  for (const auto& a : earlier) infrastructure_before |= a.status == Status::kError && a.cause == ErrorCause::kInfrastructure;
  last.flaky = infrastructure_before &&
               !(last.status == Status::kError && last.error_cause == ErrorCause::kInfrastructure);
  earlier.push_back(AttemptOf(last));
  last.attempts = std::move(earlier);
  return last;
}

}  // namespace livecheck
