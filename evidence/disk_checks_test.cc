#include "evidence/disk_checks.h"
#include "evidence/mount_trace.h"
#include "evidence/stacked_devices.h"

#include "common/testing.h"

namespace livecheck {
namespace {

using testing::Mount;

TEST(DiskChecksTest, NoDiskWritesNamesTheDriveAndCount) {
  DiskEvidence clean{.drive = "stick", .image = "s.img", .hash_before = "x", .hash_after = "x"};
  EXPECT_EQ(CheckNoDiskWrites({clean}).status, Status::kPass);
  auto written = clean;
  written.wr_operations = 3;
  written.wr_bytes = 12288;
  auto r = CheckNoDiskWrites({clean, written});
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "stick: 3 write operations, 12288 bytes written");
  EXPECT_EQ(r.evidence[1]["wr_operations"], 3);
  auto changed = clean;
  changed.hash_after = "y";
  EXPECT_EQ(CheckNoDiskWrites({changed}).status, Status::kFail);
  auto allocated = clean;
  allocated.overlay_allocated_bytes = 65536;
  EXPECT_EQ(CheckNoDiskWrites({allocated}).summary, "stick: 65536 bytes allocated in its overlay");
}

TEST(DiskChecksTest, InternalDiskUntouched) {
  DiskEvidence disk{.drive = "internal", .hash_before = "h", .hash_after = "h"};
  nlohmann::json mounts = {Mount("/", "overlay", "rw")};
  auto none = nlohmann::json::array();
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "sda", mounts, none, none).status, Status::kPass);
  mounts.push_back(Mount("/mnt", "ext4", "rw", "/dev/sda"));
  auto r = CheckInternalDiskUntouched(disk, "sda", mounts, none, none);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "/dev/sda was mounted at /mnt");
  nlohmann::json swaps = nlohmann::json::array({{{"device", "/dev/sda2"}}});
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "sda", {Mount("/", "overlay", "rw")}, swaps, none).summary,
            "/dev/sda2 was used as swap");
  disk.wr_operations = 1;
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "", none, none, none).status, Status::kFail);
}

// A probe mount undone before the checks ran: nothing in the tables, no
// write (a clean ext4 mounted read-only), only the kernel's log saw it.
TEST(DiskChecksTest, InternalDiskUntouchedSeesAnUndoneMountInTheTrace) {
  DiskEvidence disk{.drive = "internal", .hash_before = "h", .hash_after = "h"};
  auto none = nlohmann::json::array();
  nlohmann::json trace = nlohmann::json::array();
  for (const auto& e : ParseMountTrace({"[    1.50] EXT4-fs (sda1): mounted filesystem with ordered data mode.",
                                        "[    2.91] EXT4-fs (sdb1): mounted filesystem with ordered data mode.",
                                        "[    2.95] EXT4-fs (sdb1): unmounting filesystem."}))
    trace.push_back(ToJson(e));
  auto r = CheckInternalDiskUntouched(disk, "sdb", {Mount("/", "overlay", "rw")}, none, trace);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "/dev/sdb1 was mounted (ext4) at 2.91 s, kernel log: \"EXT4-fs (sdb1): mounted filesystem with "
                       "ordered data mode.\"");
  EXPECT_EQ(r.evidence["trace"].size(), 2u) << "only the internal disk's events";
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "sdc", {Mount("/", "overlay", "rw")}, none, trace).status, Status::kPass);
}

// An LVM volume group on the internal disk activated (the kernel logs
// nothing): seen in the guest's block devices, and a FAIL on its disk only.
TEST(DiskChecksTest, InternalDiskUntouchedSeesAnActivatedVolume) {
  DiskEvidence disk{.drive = "internal", .hash_before = "h", .hash_after = "h"};
  nlohmann::json stacked;
  NoteStackedDevices(stacked, nlohmann::json::parse(
                                  R"([{"name": "dm-0", "slaves": ["sdb1"], "dm_name": "suspectvg-data", "dm_uuid": "LVM-x"}])"));
  nlohmann::json trace = nlohmann::json::array();
  for (const auto& e : StackedDeviceEvents(stacked)) trace.push_back(ToJson(e));
  auto none = nlohmann::json::array();
  auto r = CheckInternalDiskUntouched(disk, "sdb", none, none, trace);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "/dev/sdb1 was activated (lvm): dm-0 'suspectvg-data' (lvm) is built on it, in the guest's block devices");
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "sda", none, none, trace).status, Status::kPass);
}

}  // namespace
}  // namespace livecheck
