#include "guest_agent/agent_commands.h"

#include <unistd.h>

#include <map>

#include <fmt/format.h>

#include "common/file_util.h"
#include "common/process.h"
#include "common/sha256.h"
#include "common/testing.h"

namespace livecheck::agent {
namespace {

TEST(AgentCommandsTest, ParsesMountInfoWithEscapes) {
  auto mounts = ParseMountInfo(
      "22 1 0:21 / /run/live/lower ro,relatime shared:1 - squashfs /dev/loop0 ro,errors=continue\n"
      "23 1 0:22 / /mnt/with\\040space rw - tmpfs upper rw\n"
      "garbage line\n");
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_EQ(mounts[0].mount_point, "/run/live/lower");
  EXPECT_EQ(mounts[0].fs_type, "squashfs");
  EXPECT_EQ(mounts[0].source, "/dev/loop0");
  EXPECT_EQ(mounts[0].options, "ro,relatime");
  EXPECT_EQ(mounts[0].device, "0:21");
  EXPECT_EQ(mounts[0].super_options, "ro,errors=continue");
  EXPECT_EQ(mounts[1].mount_point, "/mnt/with space");
}

TEST(AgentCommandsTest, HashTreeMatchesHostDigestsAndSkips) {
  auto dir = testing::MakeTestDir();
  WriteFileAtomic(dir.path() / "a", "alpha");
  fs::create_directories(dir.path() / "skip/me");
  WriteFileAtomic(dir.path() / "skip/me/x", "x");
  fs::create_directories(dir.path() / "sub");
  WriteFileAtomic(dir.path() / "sub/b", "beta");
  fs::create_symlink("/etc/passwd", dir.path() / "link");  // not followed
  auto files = HashTree(dir.path().string(), {(dir.path() / "skip").string()});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0]["path"], (dir.path() / "a").string());
  EXPECT_EQ(files[0]["sha256"], Sha256Hex("alpha"));
  EXPECT_EQ(files[1]["sha256"], Sha256Hex("beta"));
}

TEST(AgentCommandsTest, WriteProbeReportsErrnoName) {
  auto dir = testing::MakeTestDir();
  auto ok = WriteProbe((dir.path() / "probe").string(), "x");
  EXPECT_TRUE(ok["written"]);
  auto missing = WriteProbe((dir.path() / "no/such/dir/probe").string(), "x");
  EXPECT_FALSE(missing["written"]);
  EXPECT_EQ(missing["errno"], "ENOENT");
  EXPECT_TRUE(Stat((dir.path() / "probe").string())["exists"]);
  EXPECT_FALSE(Stat((dir.path() / "nope").string())["exists"]);
}

TEST(AgentCommandsTest, StatfsSeesReadOnlyProc) {
  auto proc = Statfs("/proc/sys");  // sysctl tree: a real file system on every Linux host
  EXPECT_FALSE(proc.contains("error"));
  EXPECT_TRUE(proc.contains("fs_magic"));
}

TEST(AgentCommandsTest, UnknownAndMalformedRequestsAreErrorsNotCrashes) {
  auto r = HandleRequest({{"id", 7}, {"cmd", "format-disk"}});
  EXPECT_EQ(r["id"], 7);
  EXPECT_FALSE(r["ok"]);
  EXPECT_EQ(r["error"], "unknown command 'format-disk'");
  r = HandleRequest({{"id", 8}});
  EXPECT_FALSE(r["ok"]);
  r = HandleRequest({{"id", 9}, {"cmd", "statfs"}, {"path", 42}});
  EXPECT_FALSE(r["ok"]);
  r = HandleRequest({{"id", "not a number"}, {"cmd", 5}});  // found by fuzzing: must not throw
  EXPECT_EQ(r["id"], 0);
  EXPECT_FALSE(r["ok"]);
}

// The real agent binary over pipes: hello line, then one answer per request,
// garbage answered with an error, the channel kept alive.
// A sysfs laid out as the kernel lays out two USB sticks' disks: the serial
// is on the USB device, several levels above each disk and partition.
TEST(AgentCommandsTest, BlockDevicesNameEachSticksSerialAndEachStackedDevicesSlaves) {
  auto dir = testing::MakeTestDir();
  auto root = dir.path();
  auto add_stick = [&](const std::string& usb, const std::string& serial, const std::string& disk, int major_minor) {
    auto usb_dir = root / "devices/pci0000:00/usb1" / usb;
    fs::create_directories(usb_dir);
    WriteFileAtomic(usb_dir / "idVendor", "46f4\n");
    WriteFileAtomic(usb_dir / "serial", serial + "\n");
    auto disk_dir = usb_dir / (usb + ":1.0/host6/target6:0:0/6:0:0:0/block") / disk;
    for (const auto& [name, dev] : {std::pair{disk, major_minor}, std::pair{disk + "1", major_minor + 1}}) {
      auto d = name == disk ? disk_dir : disk_dir / name;
      fs::create_directories(d);
      WriteFileAtomic(d / "dev", fmt::format("8:{}\n", dev));
      WriteFileAtomic(d / "size", "2048\n");
      WriteFileAtomic(d / "removable", "1\n");
      WriteFileAtomic(d / "ro", "0\n");
      fs::create_directories(root / "class/block");
      fs::create_directory_symlink(d, root / "class/block" / name);
    }
  };
  add_stick("1-1", "LIVECHECK-DECOY", "sda", 0);
  add_stick("1-2", "", "sdb", 16);
  fs::create_directories(root / "class/block/loop0");
  WriteFileAtomic(root / "class/block/loop0/dev", "7:0\n");
  WriteFileAtomic(root / "mountinfo", "30 1 8:17 / /run/initramfs/live ro,relatime - vfat /dev/sdb1 ro\n");
  // An LVM volume activated on sdb1: device-mapper's names and its slave.
  auto dm = root / "devices/virtual/block/dm-0";
  fs::create_directories(dm / "dm");
  fs::create_directories(dm / "slaves");
  fs::create_directory_symlink(root / "class/block/sdb1", dm / "slaves/sdb1");
  WriteFileAtomic(dm / "dev", "254:0\n");
  WriteFileAtomic(dm / "dm/name", "suspectvg-data\n");
  WriteFileAtomic(dm / "dm/uuid", "LVM-Abc\n");
  fs::create_directory_symlink(dm, root / "class/block/dm-0");
  auto list = BlockDevices((root / "class/block").string(), (root / "mountinfo").string());
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& d : list) by_name[d["name"].get<std::string>()] = d;
  EXPECT_EQ(by_name["sda"]["usb_serial"], "LIVECHECK-DECOY");
  EXPECT_EQ(by_name["sda1"]["usb_serial"], "LIVECHECK-DECOY");
  EXPECT_EQ(by_name["sdb1"]["usb_serial"], "");
  EXPECT_EQ(by_name["sdb1"]["mounted_at"], nlohmann::json::array({"/run/initramfs/live"}));
  EXPECT_EQ(by_name["loop0"]["usb_serial"], "");
  EXPECT_NE(by_name["sda1"]["sys_path"].get<std::string>().find("/usb1/1-1/1-1:1.0/"), std::string::npos);
  EXPECT_EQ(by_name["dm-0"]["slaves"], nlohmann::json::array({"sdb1"}));
  EXPECT_EQ(by_name["dm-0"]["dm_name"], "suspectvg-data");
  EXPECT_EQ(by_name["dm-0"]["dm_uuid"], "LVM-Abc");
  EXPECT_FALSE(by_name["sdb1"].contains("slaves")) << "only stacked devices have slaves";
}

TEST(AgentBinaryTest, SpeaksLineJsonOverStdio) {
  auto r = RunProcess({.argv = {LIVECHECK_AGENT_BINARY},
                       .stdin_data = "{\"id\":1,\"cmd\":\"ping\"}\nnot json\n{\"id\":2,\"cmd\":\"stat\",\"path\":\"/\"}\n",
                       .timeout = std::chrono::seconds(10)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> lines;
  size_t start = 0;
  while (start < r.out.size()) {
    auto end = r.out.find('\n', start);
    lines.push_back(nlohmann::json::parse(r.out.substr(start, end - start)));
    start = end + 1;
  }
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0]["event"], "ready");
  EXPECT_EQ(lines[1]["id"], 1);
  EXPECT_TRUE(lines[1]["ok"]);
  EXPECT_EQ(lines[2]["error"], "malformed request");
  EXPECT_EQ(lines[3]["result"]["type"], "dir");
}

TEST(AgentBinaryTest, IsStaticallyLinked) {
  auto r = RunProcess({.argv = {"ldd", LIVECHECK_AGENT_BINARY}});
  EXPECT_NE((r.out + r.err).find("not a dynamic executable"), std::string::npos) << r.out << r.err;
}

// Every boot unpacks the agent from the initramfs under emulation: 2.2-2.5 MB
// now, 5.7 MB when it hashed through OpenSSL's EVP interface, which brings in
// all of OpenSSL's algorithms.
TEST(AgentBinaryTest, StaysSmallEnoughToUnpackOnEveryBoot) {
  EXPECT_LT(fs::file_size(LIVECHECK_AGENT_BINARY), 3u << 20);
}

}  // namespace
}  // namespace livecheck::agent
