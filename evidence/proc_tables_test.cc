#include "evidence/proc_tables.h"

#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

TEST(ProcTablesTest, ParsesMountsWithEscapes) {
  auto m = ParseProcMounts("overlay / overlay rw,lowerdir=/run/live/rootfs/filesystem.squashfs/,upperdir=/run/live/overlay/rw 0 0\n"
                           "/dev/sdb1 /media/my\\040disk vfat ro 0 0\nbroken line\n");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0]["fs_type"], "overlay");
  EXPECT_EQ(m[1]["mount_point"], "/media/my disk");
}

TEST(ProcTablesTest, ReadsTheHostsOwnProcFiles) {
  // The same parsers on this machine's real /proc: the root is in there.
  auto mounts = ParseProcMounts(RunChecked({.argv = {"cat", "/proc/mounts"}}).out);
  bool root = false;
  for (const auto& m : mounts) root = root || m["mount_point"] == "/";
  EXPECT_TRUE(root);
  EXPECT_TRUE(ParseProcSwaps(RunChecked({.argv = {"cat", "/proc/swaps"}}).out).is_array());
  auto devices = ParseBlockDevices(RunChecked({.argv = {"/bin/sh", "-c", kListBlockDevicesCommand}}).out);
  EXPECT_FALSE(devices.empty());
}

TEST(ProcTablesTest, SwapsAndBlockDevices) {
  auto s = ParseProcSwaps("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/sda2 partition 16380 0 -2\n");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]["device"], "/dev/sda2");
  auto b = ParseBlockDevices("sda 163840 0\nsdb 356352 1\nloop0 x 0\nsdc 99999999999999999999999 0\n");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0]["bytes"], 163840ull * 512);
  EXPECT_EQ(b[1]["removable"], true);
}

}  // namespace
}  // namespace livecheck
