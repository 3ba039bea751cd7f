#include "runner/boot_budget.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(BootBudgetTest, RelativeBudgetsFollowTheHostReference) {
  HostReference fast{.guest_seconds = 1.5, .host_seconds = 4.0};
  HostReference slow{.guest_seconds = 4.5, .host_seconds = 12.0};
  auto budget = ParseRelativeBudget("3x");
  ASSERT_TRUE(budget);
  EXPECT_DOUBLE_EQ(ResolveBootBudget(*budget, fast, false).seconds, 4.5);
  EXPECT_DOUBLE_EQ(ResolveBootBudget(*budget, slow, false).seconds, 13.5);
  EXPECT_DOUBLE_EQ(ResolveBootBudget(*budget, slow, true).seconds, 36.0);
  EXPECT_EQ(ResolveBootBudget(*budget, fast, false).basis,
            "3x the host reference of 1.50 s (kernel start to /init, guest time)");
  // The same boot, 2.5 times slower on the slow host: within "3x" on both.
  std::vector<PhaseTiming> on_fast = {{"root-ready", 4.0, 6.0}}, on_slow = {{"root-ready", 10.0, 15.0}};
  EXPECT_EQ(CheckBootTiming(on_fast, {"root-ready"}, ResolveBootBudget(*budget, fast, false)).status, Status::kPass);
  EXPECT_EQ(CheckBootTiming(on_slow, {"root-ready"}, ResolveBootBudget(*budget, slow, false)).status, Status::kPass);
  // An absolute budget written for the fast host is a false alarm on the slow one.
  BootBudget seconds{5, false};
  EXPECT_EQ(CheckBootTiming(on_slow, {"root-ready"}, ResolveBootBudget(seconds, slow, false)).status, Status::kFail);
  EXPECT_NE(ResolveBootBudget(*budget, HostReference{.error = "no kernel"}, false).error.find("no kernel"),
            std::string::npos);
  for (const char* bad : {"x", "3", "-2x", "0x", "3 x", "1e3x", "2000x", "nanx"})
    EXPECT_FALSE(ParseRelativeBudget(bad)) << bad;
  EXPECT_DOUBLE_EQ(ParseRelativeBudget("2.5x")->value, 2.5);
}

}  // namespace
}  // namespace livecheck
