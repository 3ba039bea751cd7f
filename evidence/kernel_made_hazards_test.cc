// Each hazard made in libguestfs's appliance, read back with its own
// family's tools on the host (xfsprogs, btrfs-progs, mdadm, blkid, e2fsprogs):
// it is what it claims. Slow (one appliance boot each): labelled image.
#include "evidence/kernel_made_hazards.h"

#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"
#include "evidence/disk_layout.h"
#include "evidence/hazard_disk.h"
#include "evidence/internal_disk.h"

namespace livecheck {
namespace {

using L = InternalDiskLayout;

// The hazard cache the boot tests of the stage use too (ci/test.sh shares
// one images directory): each appliance-made disk is made once per stage.
fs::path Cache(const TempDir& dir) { return testing::ImagesDir(dir.path(), "fixtures") / ".cache"; }

std::string RegionAt(const fs::path& disk, uint64_t offset) {
  return RegionNameAt(DiskLayoutOf(FileByteReader(disk.string()), kInternalDiskBytes), offset);
}

// "Data Offset : 2048 sectors" -> 2048
uint64_t Field(const std::string& text, const std::string& name) {
  auto at = text.find(name);
  return at == std::string::npos ? 0 : std::stoull(text.substr(text.find_first_of("0123456789", at + name.size())));
}

// The first partition (where the realistic disk has its ext4) as a file.
std::string FirstPartition(const fs::path& disk, const fs::path& dir) {
  auto out = dir / "p1.img";
  WriteFileAtomic(out, ReadFileFrom(disk, L::kExt4Offset, L::kExt4Bytes));
  return out.string();
}

std::string PartitionType(const fs::path& disk) {
  auto table = nlohmann::json::parse(RunChecked({.argv = {"sfdisk", "--json", disk.string()}}).out);
  return table["partitiontable"]["partitions"][0]["type"];
}

void ExpectRestIsRealistic(const fs::path& disk) {
  EXPECT_EQ(fs::file_size(disk), kInternalDiskBytes);
  EXPECT_EQ(ReadFile(disk).substr(L::kSwapOffset),
            ReadFile(EnsureInternalDiskImage(disk.parent_path())).substr(L::kSwapOffset));
}

TEST(KernelMadeHazardsTest, XfsDirtyLogIsWhatXfsprogsCallsDirty) {
  auto dir = testing::MakeTestDir();
  auto disk = EnsureHazardDisk(Cache(dir), "xfs-dirty-log");
  auto p1 = FirstPartition(disk, dir.path());
  auto log = RunProcess({.argv = {"xfs_logprint", "-t", p1}});
  EXPECT_NE(log.out.find("state: <DIRTY>"), std::string::npos) << log.out << log.err;
  // The write map's names: the log where xfs_logprint finds it.
  uint64_t daddr = Field(log.out, "daddr:"), length = Field(log.out, "length:");
  ASSERT_GT(length, 0u) << log.out;
  EXPECT_EQ(RegionAt(disk, L::kExt4Offset + daddr * 512), "p1 XFS 'INTERNAL': log");
  EXPECT_EQ(RegionAt(disk, L::kExt4Offset + (daddr + length) * 512 - 1), "p1 XFS 'INTERNAL': log");
  EXPECT_EQ(RegionAt(disk, L::kExt4Offset), "p1 XFS 'INTERNAL': superblock");
  auto sb = RunChecked({.argv = {"xfs_db", "-r", "-c", "sb 0", "-c", "print fname uuid", p1}}).out;
  EXPECT_NE(sb.find("fname = \"INTERNAL\\000"), std::string::npos) << sb;
  EXPECT_NE(sb.find("6c697665-6368-6563-6b00-000000000020"), std::string::npos) << sb;
  // xfs_repair will not touch a file system whose log must be replayed first.
  auto repair = RunProcess({.argv = {"xfs_repair", p1}});
  EXPECT_EQ(repair.exit_code, 2) << repair.out << repair.err;
  EXPECT_NE(repair.err.find("valuable metadata changes in a log"), std::string::npos) << repair.err;
  ExpectRestIsRealistic(disk);
}

TEST(KernelMadeHazardsTest, BtrfsLogTreeIsWhatBtrfsProgsCallsALogTree) {
  auto dir = testing::MakeTestDir();
  auto disk = EnsureHazardDisk(Cache(dir), "btrfs-log-tree");
  auto p1 = FirstPartition(disk, dir.path());
  auto super = RunChecked({.argv = {"btrfs", "inspect-internal", "dump-super", p1}}).out;
  EXPECT_NE(super.find("label\t\t\tINTERNAL\n"), std::string::npos) << super;
  EXPECT_EQ(super.find("log_root\t\t0\n"), std::string::npos) << super;
  EXPECT_NE(super.find("log_root\t\t"), std::string::npos) << super;
  EXPECT_NE(super.find("MIXED_GROUPS"), std::string::npos) << super;
  EXPECT_EQ(RegionAt(disk, L::kExt4Offset + 0x10000 + 0x60), "p1 btrfs 'INTERNAL': superblock");
  ExpectRestIsRealistic(disk);
}

TEST(KernelMadeHazardsTest, MdraidMemberIsWhatMdadmExamines) {
  auto dir = testing::MakeTestDir();
  auto disk = EnsureHazardDisk(Cache(dir), "mdraid-member");
  EXPECT_EQ(PartitionType(disk), "fd");
  auto p1 = FirstPartition(disk, dir.path());
  auto examine = RunChecked({.argv = {"mdadm", "--examine", p1}}).out;
  EXPECT_NE(examine.find("Version : 1.2"), std::string::npos) << examine;
  EXPECT_NE(examine.find("Raid Level : raid1"), std::string::npos) << examine;
  EXPECT_NE(examine.find("Raid Devices : 2"), std::string::npos) << examine;
  EXPECT_NE(examine.find("Name : suspect:data"), std::string::npos) << examine;
  EXPECT_NE(examine.find("Array UUID : 6c697665:63686563:6b000000:00000022"), std::string::npos) << examine;
  auto probe = RunChecked({.argv = {"blkid", "-p", "-o", "export", p1}}).out;
  EXPECT_NE(probe.find("TYPE=linux_raid_member"), std::string::npos) << probe;
  // The write map's names: md's superblock and, at the data offset, the
  // member's own ext4.
  uint64_t super = Field(examine, "Super Offset :"), data = Field(examine, "Data Offset :");
  ASSERT_GT(data, super) << examine;
  EXPECT_EQ(RegionAt(disk, L::kExt4Offset + super * 512), "p1 md 'suspect:data': md superblock");
  EXPECT_EQ(RegionAt(disk, L::kExt4Offset + data * 512 + 1024), "p1 md 'suspect:data' data ext4 'INTERNAL': superblock");
  ExpectRestIsRealistic(disk);
}

TEST(KernelMadeHazardsTest, LvmPvHoldsAVolumeGroupWithAnExt4Volume) {
  auto dir = testing::MakeTestDir();
  auto disk = EnsureHazardDisk(Cache(dir), "lvm-pv");
  EXPECT_EQ(PartitionType(disk), "8e");
  auto p1 = FirstPartition(disk, dir.path());
  auto probe = RunChecked({.argv = {"blkid", "-p", "-o", "export", p1}}).out;
  EXPECT_NE(probe.find("TYPE=LVM2_member"), std::string::npos) << probe;
  // LVM's metadata is text in the PV's metadata area; the one logical volume
  // starts at the first physical extent (1 MiB in), as lvcreate lays it out.
  auto bytes = ReadFile(p1);
  EXPECT_NE(bytes.find("suspectvg {"), std::string::npos);
  EXPECT_NE(bytes.find("data {"), std::string::npos);
  auto lv = dir.path() / "lv.img";
  WriteFileAtomic(lv, bytes.substr(1 << 20, 24 << 20));
  EXPECT_EQ(RunChecked({.argv = {"debugfs", "-R", "cat /known-file.txt", lv.string()}}).out,
            "the suspect's data: must never change\n");
  EXPECT_EQ(RegionAt(disk, L::kExt4Offset + 512), "p1 LVM PV 'suspectvg': LVM label");
  EXPECT_EQ(RegionAt(disk, L::kExt4Offset + 4096 + 512), "p1 LVM PV 'suspectvg': LVM metadata");
  EXPECT_EQ(RegionAt(disk, L::kExt4Offset + (1 << 20) + 1024), "p1 LVM PV 'suspectvg' extents ext4 'INTERNAL': superblock");
  ExpectRestIsRealistic(disk);
}

}  // namespace
}  // namespace livecheck
