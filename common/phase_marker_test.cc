#include "common/phase_marker.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(PhaseMarkerTest, ParsesMarkerWithDetail) {
  auto m = ParsePhaseMarker("@@livecheck phase=medium-found t=3.51 device=/dev/sda1\r\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->phase, "medium-found");
  EXPECT_DOUBLE_EQ(m->guest_uptime, 3.51);
  EXPECT_EQ(m->detail, "device=/dev/sda1");
}

TEST(PhaseMarkerTest, ToleratesCarriageReturnsAroundTheLine) {
  auto m = ParsePhaseMarker("\r@@livecheck phase=init t=4.61\r");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->phase, "init");
}

TEST(PhaseMarkerTest, RejectsSplicedOrMalformedLines) {
  EXPECT_FALSE(ParsePhaseMarker("[    1.2] usb 1-1: new@@livecheck phase=init t=1.0"));
  EXPECT_FALSE(ParsePhaseMarker("@@livecheck phase=init t=1.0[    1.3] usb"));
  EXPECT_FALSE(ParsePhaseMarker("@@livecheck phase=init"));
  EXPECT_FALSE(ParsePhaseMarker("@@livecheck phase=<script> t=1"));
  EXPECT_FALSE(ParsePhaseMarker("@@livecheck phase=init t=-1"));
}

TEST(PhaseMarkerTest, FindsMarkersInALog) {
  auto markers = ParsePhaseMarkers("noise\n@@livecheck phase=init t=1.5\nmore\n@@livecheck phase=switch-root t=2.25\n");
  ASSERT_EQ(markers.size(), 2u);
  EXPECT_EQ(markers[1].phase, "switch-root");
}

}  // namespace
}  // namespace livecheck
