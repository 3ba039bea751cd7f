#include "evidence/write_map.h"

#include "common/process.h"
#include "common/sha256.h"
#include "common/testing.h"
#include "evidence/disk_evidence.h"
#include "evidence/internal_disk.h"

namespace livecheck {
namespace {

using L = InternalDiskLayout;

std::string Pattern(size_t bytes) {
  std::string s(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) s[i] = static_cast<char>(i * 7 + 3);
  return s;
}

// The overlay holds one 64 KiB cluster (copied on write from the image) at
// host offset 4096; the guest changed two bytes in it.
TEST(WriteMapTest, NamesEachChangedSectorRunAndItsBytes) {
  auto disk = Pattern(1 << 20);
  std::string cluster = disk.substr(0, 65536);
  cluster[1500] = 'X';
  cluster[3000] = 'Y';
  cluster[3001] = 'Z';
  auto overlay = std::string(4096, '\x01') + cluster;
  std::vector<DiskRegion> layout = {{"p1", 0, 1 << 20, 0}, {"p1: superblock", 1024, 1024, 1}};
  auto detail = AnnotateWrites({{0, 65536, 4096}}, layout, MemoryByteReader(disk), MemoryByteReader(overlay));
  ASSERT_EQ(detail.ranges.size(), 2u);
  EXPECT_EQ(detail.ranges[0].offset, 1024u);
  EXPECT_EQ(detail.ranges[0].length, 512u);
  EXPECT_EQ(detail.ranges[0].where, "p1: superblock");
  EXPECT_EQ(detail.ranges[0].sample_offset, 1500u);
  EXPECT_EQ(detail.ranges[0].before.substr(0, 2), fmt::format("{:02x}", static_cast<uint8_t>(disk[1500])));
  EXPECT_EQ(detail.ranges[0].after.substr(0, 2), "58");  // 'X'
  EXPECT_EQ(detail.ranges[0].after.size(), 2 * kWriteMapSampleBytes);
  EXPECT_EQ(detail.ranges[1].where, "p1");
  EXPECT_EQ(detail.ranges[1].offset, 2560u);
  EXPECT_EQ(detail.ranges[1].after.substr(0, 4), "595a");  // "YZ"
  EXPECT_FALSE(detail.truncated);
  EXPECT_EQ(WrittenRegionNames(detail), (std::vector<std::string>{"p1: superblock", "p1"}));
}

TEST(WriteMapTest, ARunIsCutWhereTheRegionChanges) {
  auto disk = Pattern(1 << 16);
  auto overlay = disk;
  for (size_t i = 512; i < 4096; ++i) overlay[i] = static_cast<char>(~overlay[i]);
  std::vector<DiskRegion> layout = {{"p1", 0, 1 << 16, 0}, {"p1: superblock", 1024, 1024, 1}};
  auto detail = AnnotateWrites({{0, 1 << 16, 0}}, layout, MemoryByteReader(disk), MemoryByteReader(overlay));
  ASSERT_EQ(detail.ranges.size(), 3u);
  EXPECT_EQ(detail.ranges[0].where, "p1");
  EXPECT_EQ(detail.ranges[0].length, 512u);
  EXPECT_EQ(detail.ranges[1].where, "p1: superblock");
  EXPECT_EQ(detail.ranges[1].length, 1024u);
  EXPECT_EQ(detail.ranges[2].offset, 2048u);
  EXPECT_EQ(detail.ranges[2].length, 2048u);
}

// The guest wrote a cluster with the bytes it held: a write, but nothing
// changed; said as such, not dropped.
TEST(WriteMapTest, AnIdenticalRewriteIsOneUnchangedRange) {
  auto disk = Pattern(1 << 17);
  auto detail = AnnotateWrites({{65536, 65536, 0}}, {{"p1", 0, 1 << 17, 0}}, MemoryByteReader(disk),
                               MemoryByteReader(disk.substr(65536)));
  ASSERT_EQ(detail.ranges.size(), 1u);
  EXPECT_TRUE(detail.ranges[0].unchanged);
  EXPECT_EQ(detail.ranges[0].length, 65536u);
  EXPECT_TRUE(WrittenRegionNames(detail).empty());
  auto json = ToJson(detail.ranges[0]);
  EXPECT_EQ(WrittenRangeFromJson(json), detail.ranges[0]);
}

TEST(WriteMapTest, BoundedInRangesAndBytes) {
  auto disk = Pattern(1 << 20);
  auto overlay = disk;
  for (size_t i = 0; i < overlay.size(); i += 1024) overlay[i] = static_cast<char>(~overlay[i]);
  auto detail = AnnotateWrites({{0, 1 << 20, 0}}, {}, MemoryByteReader(disk), MemoryByteReader(overlay));
  EXPECT_EQ(detail.ranges.size(), kMaxWrittenRanges);
  EXPECT_TRUE(detail.truncated);
  EXPECT_EQ(detail.ranges[0].where, "unpartitioned");
  auto big = AnnotateWrites({{0, static_cast<int64_t>(kMaxComparedBytes) + 1, 0}}, {}, MemoryByteReader(disk),
                            MemoryByteReader(overlay));
  EXPECT_TRUE(big.ranges.empty());
  EXPECT_TRUE(big.truncated);
}

// The real thing: a qcow2 overlay over the realistic disk, written by
// qemu-io (QEMU's own block layer) at the ext4 superblock and in the FAT;
// the disk's evidence names both, and the image itself is not written.
TEST(WriteMapTest, ReadsAQcow2OverlayWrittenByQemu) {
  auto dir = testing::MakeTestDir();
  auto image = EnsureInternalDiskImage(dir.path());
  auto digest = Sha256File(image);
  auto overlay = dir.path() / "overlay.qcow2";
  RunChecked({.argv = {"qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", image.string(), overlay.string()}});
  RunChecked({.argv = {"qemu-io", "-f", "qcow2", "-c", fmt::format("write -P 0xab {} 512", L::kExt4Offset + 1024),
                       "-c", fmt::format("write -P 0xcd {} 512", L::kFatOffset + 8192), overlay.string()}});
  auto e = DiskEvidenceAfterRun("internal", image, digest, overlay, nlohmann::json::array());
  EXPECT_EQ(e.hash_after, digest);
  std::vector<std::string> where;
  for (const auto& r : e.written.ranges) where.push_back(r.where);
  ASSERT_EQ(where.size(), 2u) << nlohmann::json(where).dump();
  EXPECT_EQ(where[0], "p1 ext4 'INTERNAL': superblock");
  EXPECT_EQ(e.written.ranges[0].after, "abababababababababababababababab");
  EXPECT_EQ(where[1].rfind("p3 FAT 'INTFAT': ", 0), 0u) << where[1];
}

}  // namespace
}  // namespace livecheck
