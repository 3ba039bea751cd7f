#include "evidence/boot_timing_check.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(BootTimingCheckTest, BootTimingOrderAndBudget) {
  std::vector<PhaseTiming> phases = {{"init", 1.0, 3.0}, {"switch-root", 2.0, 4.0}, {"root-ready", 2.5, 4.5}};
  EXPECT_EQ(CheckBootTiming(phases, {"init", "switch-root", "root-ready"}, {}).status, Status::kPass);
  EXPECT_EQ(CheckBootTiming(phases, {"init", "medium-found", "root-ready"}, {}).summary,
            "phase 'medium-found' never reported (or out of order)");
  auto r = CheckBootTiming(phases, {"init", "root-ready"}, {2.0, "2 s as written"});
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "root-ready at 2.50 s guest time, over the budget of 2.00 s (2 s as written)");
  EXPECT_EQ(r.evidence["measured_seconds"], 2.5);
  EXPECT_EQ(r.evidence["budget"]["seconds"], 2.0);
  // An image without markers: its ready pattern, in host time.
  std::vector<PhaseTiming> ready = {{"ready", -1, 41.0}};
  EXPECT_EQ(CheckBootTiming(ready, {"ready"}, {30, "30 s as written"}).summary,
            "ready at 41.00 s after QEMU started, over the budget of 30.00 s (30 s as written)");
  EXPECT_EQ(CheckBootTiming(ready, {"ready"}, {60, "60 s as written"}).status, Status::kPass);
  // A relative budget that could not be resolved decides nothing.
  EXPECT_EQ(CheckBootTiming(phases, {"root-ready"}, {0, "", "no reference"}).status, Status::kError);
}

}  // namespace
}  // namespace livecheck
