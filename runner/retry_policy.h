#pragma once
// --retry-errors: which runs are run again, and how the attempts of one
// run become its single result. A FAIL is a finding about the image and an
// image's ERROR (a hang, a panic) is one too: neither is ever retried.
#include <vector>

#include "runner/run_result.h"

namespace livecheck {

/// Whether `result` (its attempt number inside) is to be run once more:
/// an infrastructure ERROR with fewer than 1 + `retry_errors` attempts made.
bool ShouldRetry(const RunResult& result, int retry_errors);

/// What the reports keep of one attempt.
RunAttempt AttemptOf(const RunResult& result);

/// The last attempt's result carrying every attempt, earlier ones first,
/// and marked flaky when an earlier attempt was the infrastructure's and
/// the last one is not an infrastructure ERROR.
RunResult WithAttempts(RunResult last, std::vector<RunAttempt> earlier);

}  // namespace livecheck
