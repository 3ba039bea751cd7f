#include "runner/retry_policy.h"

#include <gtest/gtest.h>

namespace livecheck {
namespace {

RunResult Ended(Status status, ErrorCause cause, int attempt) {
  RunResult r;
  r.status = status;
  r.error_cause = cause;
  r.attempt = attempt;
  r.error = status == Status::kError ? "QEMU exited before phase 'agent-started'" : "";
  return r;
}

TEST(RetryPolicyTest, OnlyInfrastructureErrorsAreRetriedAndOnlyNTimes) {
  EXPECT_TRUE(ShouldRetry(Ended(Status::kError, ErrorCause::kInfrastructure, 1), 1));
  EXPECT_TRUE(ShouldRetry(Ended(Status::kError, ErrorCause::kInfrastructure, 2), 2));
  EXPECT_FALSE(ShouldRetry(Ended(Status::kError, ErrorCause::kInfrastructure, 2), 1));
  EXPECT_FALSE(ShouldRetry(Ended(Status::kError, ErrorCause::kInfrastructure, 1), 0));
  EXPECT_FALSE(ShouldRetry(Ended(Status::kFail, ErrorCause::kNone, 1), 3));
  EXPECT_FALSE(ShouldRetry(Ended(Status::kError, ErrorCause::kImage, 1), 3));
}

TEST(RetryPolicyTest, PassAfterAnInfrastructureErrorIsFlakyWithEveryAttempt) {
  auto r = WithAttempts(Ended(Status::kPass, ErrorCause::kNone, 2),
                        {AttemptOf(Ended(Status::kError, ErrorCause::kInfrastructure, 1))});
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_TRUE(r.flaky);
  ASSERT_EQ(r.attempts.size(), 2u);
  EXPECT_EQ(r.attempts[0].attempt, 1);
  EXPECT_EQ(r.attempts[0].status, Status::kError);
  EXPECT_EQ(r.attempts[1].status, Status::kPass);
}

TEST(RetryPolicyTest, ErrorsEveryTimeStaysErrorAndIsNotFlaky) {
  auto r = WithAttempts(Ended(Status::kError, ErrorCause::kInfrastructure, 2),
                        {AttemptOf(Ended(Status::kError, ErrorCause::kInfrastructure, 1))});
  EXPECT_EQ(r.status, Status::kError);
  EXPECT_FALSE(r.flaky);
  EXPECT_EQ(r.attempts.size(), 2u);
}

TEST(RetryPolicyTest, ARunThatRanOnceIsNotFlaky) {
  auto r = WithAttempts(Ended(Status::kFail, ErrorCause::kNone, 1), {});
  EXPECT_FALSE(r.flaky);
  ASSERT_EQ(r.attempts.size(), 1u);
  EXPECT_EQ(r.attempts[0].status, Status::kFail);
}

}  // namespace
}  // namespace livecheck
