#include "runner/start_order.h"

#include "common/testing.h"

namespace livecheck {
namespace {

RunRequest Built(const std::string& boot, double sleep_seconds = 0) {
  RunRequest r;
  r.manifest.boot = boot;
  if (sleep_seconds > 0) r.scenario.steps.push_back({.kind = ScenarioStep::Kind::kSleep, .seconds = sleep_seconds});
  return r;
}

TEST(StartOrderTest, FirmwareBootsCostMoreThanDirectOnes) {
  EXPECT_LT(ExpectedCost(Built("direct")), ExpectedCost(Built("usb-bios")));
  EXPECT_EQ(ExpectedCost(Built("usb-bios")), ExpectedCost(Built("iso")));
  EXPECT_LT(ExpectedCost(Built("iso")), ExpectedCost(Built("usb-uefi")));
  EXPECT_LT(ExpectedCost(Built("direct")), ExpectedCost(Built("direct", 20)));
  RunRequest foreign;
  foreign.external = ExternalImage{.image = "debian-live.iso", .boot = "cdrom"};
  EXPECT_LT(ExpectedCost(Built("usb-uefi")), ExpectedCost(foreign));
}

TEST(StartOrderTest, LongestFirstWithSeveralSlotsStableOnTies) {
  std::vector<RunRequest> requests = {Built("direct"), Built("usb-bios"), Built("direct"),
                                      Built("usb-uefi"), Built("iso"),    Built("direct", 40)};
  EXPECT_EQ(StartOrder(requests, 2), (std::vector<size_t>{5, 3, 1, 4, 0, 2}));
}

TEST(StartOrderTest, OneSlotKeepsTheDeclaredOrder) {
  std::vector<RunRequest> requests = {Built("direct"), Built("usb-uefi"), Built("usb-bios")};
  EXPECT_EQ(StartOrder(requests, 1), (std::vector<size_t>{0, 1, 2}));
  EXPECT_TRUE(StartOrder({}, 2).empty());
}

}  // namespace
}  // namespace livecheck
