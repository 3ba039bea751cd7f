#include "evidence/hazard_disk.h"

#include <regex>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "common/sha256.h"
#include "common/testing.h"
#include "evidence/internal_disk.h"

namespace livecheck {
namespace {

using L = InternalDiskLayout;

// The ext4 partition of a disk image, as a file of its own.
fs::path Ext4Partition(const fs::path& image, const fs::path& dir, const std::string& name) {
  auto out = dir / name;
  WriteFileAtomic(out, ReadFileFrom(image, L::kExt4Offset, L::kExt4Bytes));
  return out;
}

// Read back with e2fsprogs' own tools: the superblock says the journal needs
// recovery, the journal holds a committed transaction, and replaying it (on
// a copy, with e2fsck) changes /known-file.txt; before, it reads as written.
TEST(HazardDiskTest, Ext4DirtyJournalHoldsATransactionToReplay) {
  auto dir = testing::MakeTestDir();
  auto image = EnsureHazardDisk(dir.path(), "ext4-dirty-journal");
  EXPECT_EQ(fs::file_size(image), kInternalDiskBytes) << "the guest finds it by its size, as the realistic disk";
  auto ext4 = Ext4Partition(image, dir.path(), "ext4.img");
  auto header = RunChecked({.argv = {"dumpe2fs", "-h", ext4.string()}});
  EXPECT_NE(header.out.find("needs_recovery"), std::string::npos) << header.out;
  EXPECT_EQ(header.out.find("Journal start:            0\n"), std::string::npos) << header.out;
  auto log = RunChecked({.argv = {"debugfs", "-R", "logdump", ext4.string()}});
  EXPECT_NE(log.out.find("(commit block)"), std::string::npos) << log.out;
  auto before = RunChecked({.argv = {"debugfs", "-R", "cat /known-file.txt", ext4.string()}});
  EXPECT_EQ(before.out, "the suspect's data: must never change\n");

  auto digest = Sha256File(ext4);
  auto fsck = RunProcess({.argv = {"e2fsck", "-fy", ext4.string()}});
  EXPECT_LE(fsck.exit_code, 1) << fsck.out << fsck.err;  // 1: errors corrected (the replay)
  EXPECT_NE(Sha256File(ext4), digest);
  auto after = RunChecked({.argv = {"debugfs", "-R", "cat /known-file.txt", ext4.string()}});
  EXPECT_EQ(after.out, kReplayedKnownFile);

  // The rest of the disk is the realistic one.
  auto realistic = EnsureHazardDisk(dir.path(), "realistic");
  EXPECT_EQ(realistic, EnsureInternalDiskImage(dir.path()));
  EXPECT_EQ(ReadFile(image).substr(L::kSwapOffset), ReadFile(realistic).substr(L::kSwapOffset));
  EXPECT_EQ(EnsureHazardDisk(dir.path(), "ext4-dirty-journal"), image) << "made once per cache";
}

// blkid's low-level probe of the bytes at `offset`: "TYPE=swap\nLABEL=..."
std::string Probe(const fs::path& image, uint64_t offset) {
  return RunProcess({.argv = {"blkid", "-p", "-O", std::to_string(offset), "-o", "export", image.string()}}).out;
}

std::string Slice(const fs::path& image, uint64_t offset, uint64_t bytes, const fs::path& out) {
  WriteFileAtomic(out, ReadFileFrom(image, offset, bytes));
  return out.string();
}

TEST(HazardDiskTest, FatDirtyIsWhatFsckFatCallsDirty) {
  auto dir = testing::MakeTestDir();
  auto clean = Slice(EnsureHazardDisk(dir.path(), "realistic"), L::kFatOffset, L::kFatBytes, dir.path() / "clean.img");
  auto dirty = Slice(EnsureHazardDisk(dir.path(), "fat-dirty"), L::kFatOffset, L::kFatBytes, dir.path() / "dirty.img");
  auto before = RunProcess({.argv = {"fsck.fat", "-n", clean}});
  EXPECT_EQ(before.out.find("Dirty bit is set"), std::string::npos) << before.out;
  auto after = RunProcess({.argv = {"fsck.fat", "-n", dirty}});
  EXPECT_NE(after.out.find("Dirty bit is set"), std::string::npos) << after.out << after.err;
}

TEST(HazardDiskTest, SwapDisksAreWhatBlkidSays) {
  auto dir = testing::MakeTestDir();
  auto hibernated = Probe(EnsureHazardDisk(dir.path(), "swap-hibernated"), L::kSwapOffset);
  EXPECT_NE(hibernated.find("TYPE=swsuspend"), std::string::npos) << hibernated;
  EXPECT_NE(Probe(EnsureHazardDisk(dir.path(), "realistic"), L::kSwapOffset).find("TYPE=swap"), std::string::npos);
  auto swap = EnsureHazardDisk(dir.path(), "swap");
  auto table = nlohmann::json::parse(RunChecked({.argv = {"sfdisk", "--json", swap.string()}}).out);
  ASSERT_EQ(table["partitiontable"]["partitions"].size(), 1u);
  EXPECT_EQ(table["partitiontable"]["partitions"][0]["type"], "82");
  auto probe = Probe(swap, table["partitiontable"]["partitions"][0]["start"].get<uint64_t>() * 512);
  EXPECT_NE(probe.find("TYPE=swap"), std::string::npos) << probe;
  EXPECT_NE(probe.find("LABEL=SWAP"), std::string::npos) << probe;
}

TEST(HazardDiskTest, LuksIsALuks2Container) {
  auto dir = testing::MakeTestDir();
  auto luks = Slice(EnsureHazardDisk(dir.path(), "luks"), L::kExt4Offset, L::kExt4Bytes, dir.path() / "luks.img");
  auto dump = RunChecked({.argv = {"cryptsetup", "luksDump", luks}}).out;
  EXPECT_TRUE(std::regex_search(dump, std::regex("Version:\\s+2\\n"))) << dump;
  EXPECT_NE(dump.find("6c697665-6368-6563-6b00-000000000003"), std::string::npos) << dump;
  EXPECT_NE(dump.find("INTERNAL-LUKS"), std::string::npos) << dump;
}

TEST(HazardDiskTest, EspAndPersistenceDecoysAreGptDisksWithWhatTheyClaim) {
  auto dir = testing::MakeTestDir();
  auto esp = EnsureHazardDisk(dir.path(), "esp");
  EXPECT_EQ(fs::file_size(esp), kInternalDiskBytes);
  auto table = nlohmann::json::parse(RunChecked({.argv = {"sfdisk", "--json", esp.string()}}).out)["partitiontable"];
  EXPECT_EQ(table["label"], "gpt");
  ASSERT_EQ(table["partitions"].size(), 2u);
  EXPECT_EQ(table["partitions"][0]["type"], "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
  uint64_t esp_offset = table["partitions"][0]["start"].get<uint64_t>() * 512;
  auto listing = RunChecked({.argv = {"mdir", "-b", "-i", fmt::format("{}@@{}", esp.string(), esp_offset), "::EFI/BOOT"},
                             .extra_env = {{"MTOOLS_SKIP_CHECK", "1"}}}).out;
  EXPECT_NE(listing.find("BOOTX64.EFI"), std::string::npos) << listing;

  auto decoys = EnsureHazardDisk(dir.path(), "persistence-decoys");
  table = nlohmann::json::parse(RunChecked({.argv = {"sfdisk", "--json", decoys.string()}}).out)["partitiontable"];
  ASSERT_EQ(table["partitions"].size(), 3u);
  std::vector<std::string> labels = {"persistence", "casper-rw", "TailsData"};
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto& p = table["partitions"][i];
    EXPECT_EQ(p["name"], labels[i]);
    uint64_t offset = p["start"].get<uint64_t>() * 512;
    auto probe = Probe(decoys, offset);
    EXPECT_NE(probe.find("LABEL=" + labels[i] + "\n"), std::string::npos) << probe;
    EXPECT_NE(probe.find("TYPE=ext4"), std::string::npos) << probe;
    if (i == 0) {
      auto part = Slice(decoys, offset, p["size"].get<uint64_t>() * 512, dir.path() / "persistence.img");
      EXPECT_EQ(RunChecked({.argv = {"debugfs", "-R", "cat /persistence.conf", part}}).out, "/ union\n");
    }
  }
}

// ntfs-3g's tools read it (blkid's fixed UUID, the known file, HIBR) and
// refuse to write it: "Windows is hibernated".
TEST(HazardDiskTest, NtfsHibernatedIsAVolumeWindowsLeftHibernated) {
  auto dir = testing::MakeTestDir();
  auto disk = EnsureHazardDisk(dir.path(), "ntfs-hibernated");
  auto table = nlohmann::json::parse(RunChecked({.argv = {"sfdisk", "--json", disk.string()}}).out)["partitiontable"];
  EXPECT_EQ(table["partitions"][0]["type"], "7");
  auto probe = Probe(disk, L::kExt4Offset);
  EXPECT_NE(probe.find("TYPE=ntfs"), std::string::npos) << probe;
  EXPECT_NE(probe.find("LABEL=INTERNAL"), std::string::npos) << probe;
  EXPECT_NE(probe.find("UUID=306B63656863766C"), std::string::npos) << probe;
  auto ntfs = Slice(disk, L::kExt4Offset, L::kExt4Bytes, dir.path() / "ntfs.img");
  EXPECT_EQ(RunChecked({.argv = {"ntfscat", ntfs, "known-file.txt"}}).out, "the suspect's data: must never change\n");
  EXPECT_EQ(RunChecked({.argv = {"ntfscat", ntfs, "hiberfil.sys"}}).out.substr(0, 4), "HIBR");
  WriteFileAtomic(dir.path() / "x", "x");
  auto write = RunProcess({.argv = {"ntfscp", ntfs, (dir.path() / "x").string(), "x"}});
  EXPECT_NE(write.exit_code, 0);
  EXPECT_NE((write.out + write.err).find("hibernated"), std::string::npos) << write.out << write.err;
  EXPECT_EQ(ReadFile(disk).substr(L::kSwapOffset), ReadFile(EnsureHazardDisk(dir.path(), "realistic")).substr(L::kSwapOffset));
}

TEST(HazardDiskTest, UnknownHazardIsNamed) {
  auto dir = testing::MakeTestDir();
  EXPECT_ERROR_CONTAINS(EnsureHazardDisk(dir.path(), "ntfs-haunted"),
                        "unknown internal disk hazard 'ntfs-haunted' (expected one of: realistic, ext4-dirty-journal, "
                        "fat-dirty, swap, swap-hibernated, luks, esp, persistence-decoys, ntfs-hibernated, "
                        "xfs-dirty-log, btrfs-log-tree, mdraid-member, lvm-pv)");
  EXPECT_TRUE(IsHazardName("ext4-dirty-journal"));
  EXPECT_FALSE(IsHazardName("/tmp/disk.img"));
}

}  // namespace
}  // namespace livecheck
