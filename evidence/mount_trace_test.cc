#include "evidence/mount_trace.h"

#include <gtest/gtest.h>

namespace livecheck {
namespace {

TEST(MountTraceTest, ReadsMountsReplaysSwapsAndAssembliesFromKernelLines) {
  auto events = ParseMountTrace({
      "[    2.911203] EXT4-fs (sdb1): INFO: recovery required on readonly filesystem",
      "[    2.911300] EXT4-fs (sdb1): write access will be enabled during recovery",
      "[    2.930000] EXT4-fs (sdb1): recovery complete",
      "[    2.931000] EXT4-fs (sdb1): mounted filesystem with ordered data mode. Quota mode: none.",
      "[    2.950000] EXT4-fs (sdb1): unmounting filesystem.",
      "[    3.100000] Adding 16380k swap on /dev/sdb2.  Priority:-2 extents:1 across:16380k FS",
      "[    3.2] FAT-fs (sdb3): Volume was not properly unmounted. Some data may be corrupt. Please run fsck.",
      "[    3.3] XFS (nvme0n1p1): Starting recovery (logdev: internal)",
      "[    3.4] md/raid1:md127: active with 1 out of 2 mirrors",
      "[    3.5] BTRFS info (device vdb1): using crc32c (crc32c-generic) checksum algorithm",
      "[    3.6] BTRFS info (device vdb1): disk space caching is enabled",
      "EXT4-fs (loop0): mounted filesystem without journal. Quota mode: none.",
      "[    3.7] EXT4-fs (../../etc): mounted filesystem",
  });
  ASSERT_EQ(events.size(), 10u);
  EXPECT_EQ(events[0], (MountEvent{2.911203, "sdb1", "ext4", "journal-replay",
                                   "EXT4-fs (sdb1): INFO: recovery required on readonly filesystem"}));
  EXPECT_EQ(events[1].message, "EXT4-fs (sdb1): recovery complete");
  EXPECT_EQ(events[2].event, "mounted");
  EXPECT_EQ(events[3].event, "unmounted");
  EXPECT_EQ(events[4].device, "sdb2");
  EXPECT_EQ(events[4].event, "swap-on");
  EXPECT_EQ(events[5].event, "dirty-mount");
  EXPECT_EQ(events[6].device, "nvme0n1p1");
  EXPECT_EQ(events[6].fs, "xfs");
  EXPECT_EQ(events[7].device, "md127");
  EXPECT_EQ(events[8].fs, "btrfs") << "one event for its lines";
  EXPECT_EQ(events[9].device, "loop0");
  EXPECT_EQ(events[9].seconds, -1);
  EXPECT_EQ(MountEventFromJson(ToJson(events[4])), events[4]);
}

// What 6.1 logged for a read-only probe mount of btrfs-log-tree and
// xfs-dirty-log in a real guest: each replay is an event of its own.
TEST(MountTraceTest, BtrfsAndXfsLogReplaysAreEvents) {
  auto events = ParseMountTrace({
      "[    5.510265] XFS (sda1): Mounting V5 Filesystem",
      "[    5.559224] XFS (sda1): Starting recovery (logdev: internal)",
      "[    5.612606] XFS (sda1): Unmounting Filesystem",
      "[    5.719112] BTRFS info (device sdb1): first mount of filesystem 6c697665-6368-6563-6b00-000000000021",
      "[    5.720000] BTRFS info (device sdb1): using crc32c (crc32c-generic) checksum algorithm",
      "[    5.746268] BTRFS info (device sdb1): start tree-log replay",
      "[    5.799828] BTRFS info (device sdb1): last unmount of filesystem 6c697665-6368-6563-6b00-000000000021",
  });
  std::vector<std::string> kinds;
  for (const auto& e : events) kinds.push_back(e.device + " " + e.fs + " " + e.event);
  EXPECT_EQ(kinds, (std::vector<std::string>{"sda1 xfs mounted", "sda1 xfs journal-replay", "sda1 xfs unmounted",
                                             "sdb1 btrfs mounted", "sdb1 btrfs journal-replay", "sdb1 btrfs unmounted"}));
}

TEST(MountTraceTest, DevicesBelongToTheirDisk) {
  EXPECT_TRUE(IsOnDisk("sdb1", "sdb"));
  EXPECT_TRUE(IsOnDisk("sdb", "sdb"));
  EXPECT_FALSE(IsOnDisk("sdbc1", "sdb"));
  EXPECT_TRUE(IsOnDisk("nvme0n1p2", "nvme0n1"));
  EXPECT_FALSE(IsOnDisk("nvme0n10", "nvme0n1p")) << "a name that is no disk's";
  EXPECT_FALSE(IsOnDisk("sda1", ""));
}

}  // namespace
}  // namespace livecheck
