#include "evidence/disk_layout.h"

#include <regex>

#include <nlohmann/json.hpp>

#include "common/process.h"
#include "common/testing.h"
#include "evidence/hazard_disk.h"
#include "evidence/internal_disk.h"

namespace livecheck {
namespace {

using L = InternalDiskLayout;

uint64_t FirstNumberAfter(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) return 0;
  return std::stoull(m[1]);
}

// The realistic disk's regions where e2fsprogs, mtools and the swap format
// put them: every offset below comes from dumpe2fs, debugfs or minfo, not
// from the parser's own reading.
TEST(DiskLayoutTest, NamesWhatTheToolsSeeOnTheRealisticDisk) {
  auto dir = testing::MakeTestDir();
  auto image = EnsureInternalDiskImage(dir.path());
  auto layout = DiskLayoutOf(FileByteReader(image.string()), kInternalDiskBytes);
  EXPECT_EQ(RegionNameAt(layout, 0), "MBR");
  EXPECT_EQ(RegionNameAt(layout, 600), "unpartitioned");

  auto ext4 = dir.path() / "ext4.img";
  WriteFileAtomic(ext4, ReadFileFrom(image, L::kExt4Offset, L::kExt4Bytes));
  auto header = RunChecked({.argv = {"dumpe2fs", ext4.string()}}).out;
  uint64_t block = FirstNumberAfter(header, "Block size: +(\\d+)");
  ASSERT_GT(block, 0u);
  const std::string p1 = "p1 ext4 'INTERNAL'";
  EXPECT_EQ(RegionNameAt(layout, L::kExt4Offset + 1024), p1 + ": superblock");
  EXPECT_EQ(RegionNameAt(layout, L::kExt4Offset + 2047), p1 + ": superblock");
  uint64_t table = FirstNumberAfter(header, "Inode table at (\\d+)-");
  EXPECT_EQ(RegionNameAt(layout, L::kExt4Offset + table * block), p1 + ": inode table (group 0)");
  uint64_t bitmap = FirstNumberAfter(header, "Block bitmap at (\\d+)");
  EXPECT_EQ(RegionNameAt(layout, L::kExt4Offset + bitmap * block), p1 + ": block bitmap (group 0)");
  uint64_t backup = FirstNumberAfter(header, "Backup superblock at (\\d+)");
  ASSERT_GT(backup, 0u);
  EXPECT_EQ(RegionNameAt(layout, L::kExt4Offset + backup * block), p1 + ": backup superblock (group 1)");
  auto journal = RunChecked({.argv = {"debugfs", "-R", "stat <8>", ext4.string()}}).out;
  uint64_t journal_start = FirstNumberAfter(journal, "\\(0-\\d+\\):(\\d+)-");
  ASSERT_GT(journal_start, 0u) << journal;
  EXPECT_EQ(RegionNameAt(layout, L::kExt4Offset + journal_start * block), p1 + ": journal superblock");
  EXPECT_EQ(RegionNameAt(layout, L::kExt4Offset + (journal_start + 5) * block), p1 + ": journal");
  uint64_t known = FirstNumberAfter(RunChecked({.argv = {"debugfs", "-R", "bmap /known-file.txt 0", ext4.string()}}).out,
                                    "(\\d+)");
  EXPECT_EQ(RegionNameAt(layout, L::kExt4Offset + known * block), p1) << "file data is the partition's";

  EXPECT_EQ(RegionNameAt(layout, L::kSwapOffset + 100), "p2 swap 'INTSWAP': swap header");
  EXPECT_EQ(RegionNameAt(layout, L::kSwapOffset + 8192), "p2 swap 'INTSWAP'");

  auto minfo = RunChecked({.argv = {"minfo", "-i", fmt::format("{}@@{}", image.string(), L::kFatOffset)},
                           .extra_env = {{"MTOOLS_SKIP_CHECK", "1"}}}).out;
  uint64_t reserved = FirstNumberAfter(minfo, "reserved \\(boot\\) sectors: (\\d+)");
  uint64_t fat_length = FirstNumberAfter(minfo, "sectors per fat: (\\d+)");
  ASSERT_GT(fat_length, 0u) << minfo;
  const std::string p3 = "p3 FAT 'INTFAT'";
  EXPECT_EQ(RegionNameAt(layout, L::kFatOffset), p3 + ": boot sector");
  EXPECT_EQ(RegionNameAt(layout, L::kFatOffset + reserved * 512), p3 + ": FAT 1");
  EXPECT_EQ(RegionNameAt(layout, L::kFatOffset + (reserved + fat_length) * 512), p3 + ": FAT 2");
  EXPECT_EQ(RegionNameAt(layout, L::kFatOffset + (reserved + 2 * fat_length) * 512), p3 + ": root directory");
}

// GPT disks name their partitions by the table's entries (sfdisk's view)
// and the GPT's own structures at both ends of the disk.
TEST(DiskLayoutTest, NamesGptPartitionsAndTheirLabels) {
  auto dir = testing::MakeTestDir();
  auto image = EnsureHazardDisk(dir.path(), "persistence-decoys");
  auto layout = DiskLayoutOf(FileByteReader(image.string()), kInternalDiskBytes);
  auto table = nlohmann::json::parse(RunChecked({.argv = {"sfdisk", "--json", image.string()}}).out);
  auto parts = table["partitiontable"]["partitions"];
  ASSERT_EQ(parts.size(), 3u);
  std::vector<std::string> expected = {"p1 [persistence] ext4 'persistence'", "p2 [casper-rw] ext4 'casper-rw'",
                                       "p3 [TailsData] ext4 'TailsData'"};
  for (size_t i = 0; i < parts.size(); ++i) {
    uint64_t start = parts[i]["start"].get<uint64_t>() * 512;
    EXPECT_EQ(RegionNameAt(layout, start + 1024), expected[i] + ": superblock");
    EXPECT_EQ(RegionNameAt(layout, start + parts[i]["size"].get<uint64_t>() * 512 - 1), expected[i]);
  }
  EXPECT_EQ(RegionNameAt(layout, 0), "protective MBR");
  EXPECT_EQ(RegionNameAt(layout, 512), "GPT header");
  EXPECT_EQ(RegionNameAt(layout, 1024), "GPT partition entries");
  EXPECT_EQ(RegionNameAt(layout, kInternalDiskBytes - 512), "backup GPT header");
}

TEST(DiskLayoutTest, NamesTheOtherHazards) {
  auto dir = testing::MakeTestDir();
  auto at = [&](const std::string& hazard, uint64_t offset) {
    auto image = EnsureHazardDisk(dir.path(), hazard);
    return RegionNameAt(DiskLayoutOf(FileByteReader(image.string()), kInternalDiskBytes), offset);
  };
  EXPECT_EQ(at("swap-hibernated", L::kSwapOffset + 4090), "p2 swap (hibernation image) 'INTSWAP': swap header");
  EXPECT_EQ(at("swap", (1u << 20) + 10), "p1 swap 'SWAP': swap header");
  EXPECT_EQ(at("luks", L::kExt4Offset + 4096), "p1 LUKS2: LUKS2 headers");
  EXPECT_EQ(at("esp", (1u << 20)), "p1 [EFI System Partition] FAT 'ESP': boot sector");
  EXPECT_EQ(at("esp", (41u << 20) + 1024), "p2 [data] ext4 'INTERNAL': superblock");
}

// Disk bytes are input: garbage, truncated and hostile tables give names
// or nothing, never a crash or a region past the disk's end.
TEST(DiskLayoutTest, SurvivesGarbage) {
  std::string zeros(1 << 20, '\0');
  EXPECT_EQ(RegionNameAt(DiskLayoutOf(MemoryByteReader(zeros), zeros.size()), 4096), "whole disk");
  std::string mbr(512, '\0');
  mbr[510] = '\x55', mbr[511] = '\xaa';
  mbr[446 + 4] = '\xee';  // protective MBR, no GPT behind it
  EXPECT_EQ(DiskLayoutOf(MemoryByteReader(mbr), 1 << 20).size(), 1u);
  std::string huge = mbr;
  huge[446 + 4] = '\x83';
  huge[446 + 8] = 1;
  huge[446 + 12] = '\xff', huge[446 + 13] = '\xff', huge[446 + 14] = '\xff', huge[446 + 15] = '\x7f';
  for (const auto& r : DiskLayoutOf(MemoryByteReader(huge), 1 << 20)) EXPECT_LE(r.offset + r.length, 1u << 20) << r.name;
  std::string noise;
  for (int i = 0; i < (1 << 16); ++i) noise += static_cast<char>((i * 2654435761u) >> 13);
  noise[510] = '\x55', noise[511] = '\xaa';
  EXPECT_NO_THROW(DiskLayoutOf(MemoryByteReader(noise), 1 << 30));
}

TEST(DiskLayoutTest, BoundariesSplitARange) {
  std::vector<DiskRegion> layout = {{"p1", 1000, 1000, 0}, {"p1: a", 1200, 100, 1}};
  EXPECT_EQ(RegionBoundariesIn(layout, 900, 1200), (std::vector<uint64_t>{1000, 1200, 1300, 2000}));
  EXPECT_EQ(RegionBoundariesIn(layout, 1200, 100), std::vector<uint64_t>{});
  EXPECT_EQ(RegionNameAt(layout, 1250), "p1: a");
  EXPECT_EQ(RegionNameAt(layout, 1300), "p1");
}

}  // namespace
}  // namespace livecheck
