#include "evidence/hazard_disk.h"

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
  WriteFileAtomic(out, ReadFile(image).substr(L::kExt4Offset, L::kExt4Bytes));
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

TEST(HazardDiskTest, UnknownHazardIsNamed) {
  auto dir = testing::MakeTestDir();
  EXPECT_ERROR_CONTAINS(EnsureHazardDisk(dir.path(), "ntfs-haunted"),
                        "unknown internal disk hazard 'ntfs-haunted' (expected one of: realistic, ext4-dirty-journal)");
  EXPECT_TRUE(IsHazardName("ext4-dirty-journal"));
  EXPECT_FALSE(IsHazardName("/tmp/disk.img"));
}

}  // namespace
}  // namespace livecheck
