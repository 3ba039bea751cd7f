#include "evidence/internal_disk.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

using L = InternalDiskLayout;

std::string ProbeType(const fs::path& image, uint64_t offset) {
  auto r = RunProcess({.argv = {"blkid", "-p", "-O", std::to_string(offset), "-s", "TYPE", "-o", "value", image.string()}});
  return r.out.substr(0, r.out.find('\n'));
}

// Read back with independent tools: sfdisk for the table, blkid for each
// partition's signature, mtools for the FAT's file.
TEST(InternalDiskTest, IsPartitionedWithExt4SwapAndFat) {
  auto dir = testing::MakeTestDir();
  auto image = EnsureInternalDiskImage(dir.path());
  EXPECT_EQ(fs::file_size(image), kInternalDiskBytes);
  auto table = nlohmann::json::parse(RunChecked({.argv = {"sfdisk", "--json", image.string()}}).out);
  auto parts = table["partitiontable"]["partitions"];
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0]["type"], "83");
  EXPECT_EQ(parts[1]["type"], "82");
  EXPECT_EQ(parts[2]["type"], "c");
  EXPECT_EQ(parts[1]["start"].get<uint64_t>() * 512, L::kSwapOffset);
  EXPECT_EQ(ProbeType(image, L::kExt4Offset), "ext4");
  EXPECT_EQ(ProbeType(image, L::kSwapOffset), "swap");
  EXPECT_EQ(ProbeType(image, L::kFatOffset), "vfat");
  auto mdir = RunProcess({.argv = {"mdir", "-b", "-i", fmt::format("{}@@{}", image.string(), L::kFatOffset), "::"},
                          .extra_env = {{"MTOOLS_SKIP_CHECK", "1"}}});
  EXPECT_NE(mdir.out.find("KNOWN.TXT"), std::string::npos) << mdir.out << mdir.err;
  // Made once per cache directory.
  auto again = EnsureInternalDiskImage(dir.path());
  EXPECT_EQ(again, image);
}

}  // namespace
}  // namespace livecheck
