#include "common/storage_kernel_log.h"

#include <gtest/gtest.h>

namespace livecheck {
namespace {

// Lines as 6.1 logs them (klogctl's "<level>[time] text", and the console's
// "[time] text").
TEST(StorageKernelLogTest, KeepsMountSwapAndAssemblyLines) {
  std::string log =
      "<6>[    0.000000] Linux version 6.1.0-57-amd64\n"
      "<6>[    2.911203] EXT4-fs (sdb1): mounted filesystem with ordered data mode. Quota mode: none.\n"
      "<6>[    2.950000] EXT4-fs (sdb1): unmounting filesystem.\n"
      "[    3.100000] Adding 16380k swap on /dev/sdb2.  Priority:-2 extents:1 across:16380k FS\n"
      "<4>[    3.2] FAT-fs (sdb3): Volume was not properly unmounted. Some data may be corrupt.\r\n"
      "<6>[    3.3] XFS (vdb1): Starting recovery (logdev: internal)\n"
      "<6>[    3.4] md/raid1:md127: active with 1 out of 2 mirrors\n"
      "<6>[    3.5] squashfs: version 4.0\n"
      "<6>[    3.6] Adding 1 thing to a list\n"
      "<6>[    3.7] EXT4-fs (sdb1): \x1b[31mred\x07\n";
  auto lines = StorageKernelMessages(log, 100);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "[    2.911203] EXT4-fs (sdb1): mounted filesystem with ordered data mode. Quota mode: none.");
  EXPECT_EQ(lines[2].substr(0, 40), "[    3.100000] Adding 16380k swap on /de");
  EXPECT_EQ(lines[3].back(), '.');
  EXPECT_EQ(lines[6], "[    3.7] EXT4-fs (sdb1): ?[31mred?");
  EXPECT_EQ(StorageKernelMessages(log, 2).size(), 2u);
  EXPECT_TRUE(IsStorageKernelMessage("BTRFS info (device sdb1): using crc32c (crc32c-generic) checksum algorithm"));
  EXPECT_FALSE(IsStorageKernelMessage("[   1.0] EXT4 is great"));
  EXPECT_FALSE(IsStorageKernelMessage(""));
  EXPECT_EQ(StorageKernelMessages(std::string(400, 'x') + "\nEXT4-fs (sda): " + std::string(1000, 'y'), 10)[0].size(),
            300u);
}

}  // namespace
}  // namespace livecheck
