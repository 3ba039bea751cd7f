#include "builder/medium_identity.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

// What the initramfs reads: the bytes at each "OFFSET:HEX" entry.
bool Matches(const std::string& live_conf_value, const std::string& fs_bytes) {
  size_t start = 0;
  while (start < live_conf_value.size()) {
    auto end = live_conf_value.find(' ', start);
    if (end == std::string::npos) end = live_conf_value.size();
    std::string entry = live_conf_value.substr(start, end - start);
    uint64_t offset = std::stoull(entry.substr(0, entry.find(':')));
    std::string hex = entry.substr(entry.find(':') + 1), got;
    for (size_t i = 0; i < hex.size() / 2 && offset + i < fs_bytes.size(); ++i)
      got += fmt::format("{:02x}", static_cast<unsigned char>(fs_bytes[offset + i]));
    if (got == hex) return true;
    start = end + 1;
  }
  return false;
}

TEST(MediumIdentityTest, PureFunctionOfBootLabelAndEpoch) {
  auto a = MediumIdentityFor(BootPath::kUsbBios, "LIVECHECK", 1700000000);
  EXPECT_EQ(a.live_conf_value, MediumIdentityFor(BootPath::kUsbBios, "LIVECHECK", 1700000000).live_conf_value);
  EXPECT_NE(a.fat_volume_id, MediumIdentityFor(BootPath::kUsbBios, "OTHER", 1700000000).fat_volume_id);
  EXPECT_EQ(a.iso_date, "2023111422132000");
  EXPECT_EQ(MediumIdentityFor(BootPath::kIso, "LIVECHECK", 1700000000).live_conf_value,
            "33598:32303233313131343232313332303030");
}

// The identity is where the initramfs looks for it in file systems made by
// the real tools: a FAT16 and a FAT32 from mkfs.vfat, an ISO from xorriso.
TEST(MediumIdentityTest, FoundInFileSystemsTheToolsMake) {
  auto dir = testing::MakeTestDir();
  auto fat = MediumIdentityFor(BootPath::kUsbBios, "LIVECHECK", 1700000000);
  for (const char* bits : {"16", "32"}) {
    auto image = dir.path() / (std::string("fat") + bits + ".img");
    RunChecked({.argv = {"truncate", "-s", "64M", image.string()}});
    RunChecked({.argv = {"mkfs.vfat", "-F", bits, "-i", fmt::format("{:08x}", fat.fat_volume_id), "-n", "LIVECHECK",
                         image.string()}});
    EXPECT_TRUE(Matches(fat.live_conf_value, ReadFile(image).substr(0, 512))) << bits;
    auto other = MediumIdentityFor(BootPath::kUsbBios, "LIVECHECK", 1700000001);
    EXPECT_FALSE(Matches(other.live_conf_value, ReadFile(image).substr(0, 512))) << bits;
  }
  auto iso = MediumIdentityFor(BootPath::kIso, "LIVECHECK", 1700000000);
  fs::create_directories(dir.path() / "tree");
  WriteFileAtomic(dir.path() / "tree/a", "a\n");
  RunChecked({.argv = {"xorriso", "-as", "mkisofs", "-quiet", "-o", (dir.path() / "x.iso").string(), "-V", "LIVECHECK",
                       "--modification-date=" + iso.iso_date, (dir.path() / "tree").string()}});
  EXPECT_TRUE(Matches(iso.live_conf_value, ReadFile(dir.path() / "x.iso")));
  auto blkid = RunProcess({.argv = {"blkid", "-p", "-o", "value", "-s", "UUID", (dir.path() / "x.iso").string()}});
  EXPECT_EQ(blkid.out, "2023-11-14-22-13-20-00\n") << "blkid's UUID is the date the initramfs compares";
}

}  // namespace
}  // namespace livecheck
