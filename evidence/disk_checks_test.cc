#include "evidence/disk_checks.h"

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
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "sda", mounts, nlohmann::json::array()).status, Status::kPass);
  mounts.push_back(Mount("/mnt", "ext4", "rw", "/dev/sda"));
  auto r = CheckInternalDiskUntouched(disk, "sda", mounts, nlohmann::json::array());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "/dev/sda was mounted at /mnt");
  nlohmann::json swaps = nlohmann::json::array({{{"device", "/dev/sda2"}}});
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "sda", {Mount("/", "overlay", "rw")}, swaps).summary,
            "/dev/sda2 was used as swap");
  disk.wr_operations = 1;
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "", nlohmann::json::array(), nlohmann::json::array()).status,
            Status::kFail);
}

}  // namespace
}  // namespace livecheck
