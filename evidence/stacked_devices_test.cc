#include "evidence/stacked_devices.h"

#include <gtest/gtest.h>

namespace livecheck {
namespace {

nlohmann::json Devices() {
  return nlohmann::json::parse(R"([
    {"name": "sdb", "bytes": 268435456},
    {"name": "sdb1", "bytes": 134217728},
    {"name": "dm-0", "slaves": ["sdb1"], "dm_name": "suspectvg-data", "dm_uuid": "LVM-k2Wm"},
    {"name": "dm-1", "slaves": ["sdc2"], "dm_name": "luks-3f1e", "dm_uuid": "CRYPT-LUKS2-3f1e-luks-3f1e"},
    {"name": "md127", "slaves": ["sdd1", "sde1"]}
  ])");
}

TEST(StackedDevicesTest, EachSlaveOfEachActivationIsAnEventOnIt) {
  nlohmann::json seen;
  NoteStackedDevices(seen, Devices());
  NoteStackedDevices(seen, Devices());  // asked again later: still once each
  ASSERT_EQ(seen.size(), 3u);
  auto events = StackedDeviceEvents(seen);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0], (MountEvent{.device = "sdb1", .fs = "lvm", .event = "activated",
                                   .message = "dm-0 'suspectvg-data' (lvm) is built on it", .source = "block-devices"}));
  EXPECT_EQ(events[1].fs, "dm-crypt");
  EXPECT_EQ(events[2].device, "sdd1");
  EXPECT_EQ(events[3].message, "md127 (md) is built on it");
  EXPECT_TRUE(IsOnDisk(events[0].device, "sdb"));
  EXPECT_EQ(MountEventFromJson(ToJson(events[0])), events[0]);
}

TEST(StackedDevicesTest, UntrustedListsStayBounded) {
  nlohmann::json seen;
  NoteStackedDevices(seen, "not a list");
  NoteStackedDevices(seen, nlohmann::json::parse(R"([{"name": "dm-9", "slaves": "sda1"}, 7, {"slaves": [1, 2]}])"));
  EXPECT_TRUE(seen.empty());
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 1000; ++i) many.push_back({{"name", "dm-" + std::to_string(i)}, {"slaves", {"sda1"}}});
  NoteStackedDevices(seen, many);
  EXPECT_EQ(seen.size(), 256u);
  EXPECT_EQ(StackedKind("dm-3", ""), "dm");
  EXPECT_EQ(MountEventFromJson(nlohmann::json::object()).source, "kernel");
}

}  // namespace
}  // namespace livecheck
