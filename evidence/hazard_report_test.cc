#include "evidence/hazard_report.h"

#include <gtest/gtest.h>

#include "evidence/mount_trace.h"

namespace livecheck {
namespace {

// Three disks on one machine: one only read (udev's probing), one mounted
// and unmounted again without a write, one whose journal was replayed.
TEST(HazardReportTest, SaysHowFarTheGuestWentWithEachDisk) {
  std::vector<AttachedDisk> disks = {{"internal", "realistic", "sda"},
                                     {"internal2", "persistence-decoys", "sdb"},
                                     {"internal3", "ext4-dirty-journal", "sdc"},
                                     {"internal4", "/srv/suspect.img", ""}};
  DiskEvidence clean{.drive = "internal", .hash_before = "h", .hash_after = "h"};
  DiskEvidence mounted{.drive = "internal2", .hash_before = "h", .hash_after = "h"};
  DiskEvidence replayed{.drive = "internal3", .hash_before = "h", .hash_after = "h", .wr_operations = 4, .wr_bytes = 4096};
  replayed.written.ranges.push_back({.offset = 1049600, .length = 512, .where = "p1 ext4 'INTERNAL': superblock"});
  DiskEvidence unseen{.drive = "internal4", .hash_before = "h", .hash_after = "h"};
  nlohmann::json trace = nlohmann::json::array();
  for (const auto& e : ParseMountTrace({"[ 3.60] EXT4-fs (sdb1): mounted filesystem with ordered data mode.",
                                        "[ 3.70] EXT4-fs (sdb1): unmounting filesystem.",
                                        "[ 3.90] EXT4-fs (sdc1): recovery complete",
                                        "[ 4.00] EXT4-fs (sdc1): mounted filesystem with ordered data mode."}))
    trace.push_back(ToJson(e));
  trace.push_back(ToJson(MountEvent{.device = "sdd1", .fs = "lvm", .event = "activated", .source = "block-devices"}));
  disks.push_back({"internal5", "lvm-pv", "sdd"});
  nlohmann::json counters = {{"drives",
                              {{"internal", {{"rd_bytes", 5 << 20}}},
                               {"internal2", {{"rd_bytes", 1 << 20}}},
                               {"internal3", {{"rd_bytes", 1 << 20}}}}}};
  DiskEvidence activated{.drive = "internal5", .hash_before = "h", .hash_after = "h"};
  auto report = HazardReport(disks, {clean, mounted, replayed, unseen, activated}, trace, counters);
  ASSERT_EQ(report.size(), 5u);
  EXPECT_EQ(report[0]["touched"], "read");
  EXPECT_EQ(report[0]["read_bytes"], 5 << 20);
  EXPECT_EQ(report[1]["touched"], "mounted");
  EXPECT_EQ(report[1]["events"].size(), 1u) << "the unmount is no touch of its own";
  EXPECT_EQ(report[2]["touched"], "written");
  EXPECT_EQ(report[2]["events"].size(), 2u);
  EXPECT_EQ(report[2]["written_regions"], nlohmann::json({"p1 ext4 'INTERNAL': superblock"}));
  EXPECT_EQ(report[3]["touched"], "untouched");
  EXPECT_EQ(report[3]["hazard"], "/srv/suspect.img");
  EXPECT_TRUE(report[3]["events"].empty()) << "a disk the guest never listed matches no device";
  EXPECT_EQ(report[4]["touched"], "activated");
}

}  // namespace
}  // namespace livecheck
