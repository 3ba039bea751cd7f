#include "reports/flaky_counts.h"

#include <gtest/gtest.h>

namespace livecheck {
namespace {

RunResult Result(const std::string& variant, Status status, int attempts, bool flaky,
              ErrorCause cause = ErrorCause::kNone) {
  RunResult r;
  r.variant = variant;
  r.status = status;
  r.flaky = flaky;
  r.error_cause = cause;
  for (int i = 1; i <= attempts; ++i) r.attempts.push_back({.attempt = i});
  return r;
}

TEST(FlakyCountsTest, CountsPerVariantOverRepeats) {
  auto rows = CountFlaky({Result("usb-bios", Status::kPass, 1, false), Result("usb-bios", Status::kPass, 2, true),
                          Result("toram", Status::kError, 3, false, ErrorCause::kInfrastructure),
                          Result("usb-bios", Status::kFail, 1, false), Result("toram", Status::kPass, 0, false)});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].variant, "usb-bios");
  EXPECT_EQ(rows[0].runs, 3);
  EXPECT_EQ(rows[0].flaky, 1);
  EXPECT_EQ(rows[0].attempts, 4);
  EXPECT_EQ(FlakyLine(rows[0]), "1 of 3 runs flaky (4 attempts)");
  // A report from before --retry-errors has no attempts: each run is one.
  EXPECT_EQ(FlakyLine(rows[1]), "0 of 2 runs flaky (4 attempts), 1 still an infrastructure ERROR");
}

TEST(FlakyCountsTest, ComparisonNamesVariantsOfEitherSide) {
  auto base = CountFlaky({Result("usb-bios", Status::kPass, 1, false), Result("old", Status::kPass, 1, false)});
  auto cur = CountFlaky({Result("usb-bios", Status::kPass, 2, true)});
  EXPECT_EQ(FlakyComparison(base, cur),
            "  usb-bios: 0 of 1 runs flaky (1 attempts) -> 1 of 1 runs flaky (2 attempts)\n"
            "  old: 0 of 1 runs flaky (1 attempts) -> not run\n");
}

}  // namespace
}  // namespace livecheck
