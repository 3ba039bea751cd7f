// A user's own root tree, not livecheck's: Debian 12 with systemd and udev
// and its own 6.1 kernel and modules, as fixtures/third-party/
// debian-systemd-root.sh builds it from Debian's packages, packed by
// `livecheck build` with `rootfs =` and booted through a BIOS stick and
// directly with toram. Every guest check answers through the agent that
// livecheck's initramfs starts, that follows systemd into its root and waits
// for `systemctl is-system-running`; a variant whose fstab swaps on the
// internal disk fails exactly internal-disk-untouched. The same stick also
// boots through the tree's own dracut initramfs (dmsquash-live, systemd in
// the initrd) with livecheck's agent injected: it survives dracut's
// switch-root (systemd spares '@' processes) and every check it is asked
// answers, on a machine whose internal disk has an ext4 journal to replay.
#include <gtest/gtest.h>

#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

// All nine checks and a `run` step; ram-copy last, because it pulls the stick.
constexpr const char* kScenario = R"(description = "every check on a user's Debian root"
variants = ["debian-usb", "debian-toram"]
internal_disk = true
ram_residue_max = 0
timeout = 600
boot_budget = "8x"
[[step]]
wait = "agent-ready"
[[step]]
check = "union-root"
[[step]]
check = "lower-readonly"
[[step]]
check = "upper-tmpfs"
[[step]]
check = "canary"
[[step]]
check = "ram-residue"
[[step]]
check = "internal-disk-untouched"
[[step]]
check = "no-disk-writes"
[[step]]
check = "boot-timing"
[[step]]
run = "systemctl is-system-running"
expect_output = "^(running|degraded)$"
[[step]]
check = "ram-copy"
)";

// The controls on the same root need only the checks that see the internal
// disk (the others are the same code on the same root as above): no toram
// copy and no ram-copy hashing of the whole tree under emulation.
constexpr const char* kSwapScenario = R"(description = "a user's root that swaps on or writes to the internal disk"
variants = ["debian-swaps", "debian-writes"]
internal_disk = true
timeout = 600
[[step]]
wait = "agent-ready"
[[step]]
check = "union-root"
[[step]]
check = "internal-disk-untouched"
[[step]]
check = "no-disk-writes"
)";

// The hostile machine's LVM disk beside the same root with the device-mapper
// module: Debian's lvm2 (installed in the tree, as on many installed
// systems) activates the suspect's volume group from its udev rules. The
// kernel logs nothing of it, and the volume is deactivated again before the
// checks look: only the agent's watch of the stacked devices saw dm-0 on
// the internal disk's partition.
constexpr const char* kLvmScenario = R"(description = "a user's root with lvm2 beside a disk holding a volume group"
variants = ["debian-lvm"]
internal_disk = "lvm-pv"
timeout = 600
[[step]]
wait = "agent-ready"
[[step]]
run = "lvchange -an suspectvg/data && ! test -e /dev/mapper/suspectvg-data"
[[step]]
check = "internal-disk-untouched"
[[step]]
check = "no-disk-writes"
)";

// dracut's dmsquash-live on livecheck's stick: the squashfs is the root
// itself (dracut wants its /proc mount point), overlayfs on a tmpfs. The
// layer checks find dracut's own layers (/run/rootfsbase, /run/overlayfs).
// The console step waits for the getty's prompt, not for systemd's
// "Reached target ... Multi-User System": that line is printed as the
// serial getty starts on the same port, and agetty flushes the port's
// unsent output when it opens it (seen once here: the line never reached
// the console log, though systemd reached its target).
constexpr const char* kDracutScenario = R"(description = "a user's root through its own dracut initramfs"
internal_disk = "ext4-dirty-journal"
timeout = 600
[[step]]
wait = "agent-ready"
[[step]]
wait_console = 'debian-systemd login:'
timeout = 300
[[step]]
check = "union-root"
[[step]]
check = "lower-readonly"
[[step]]
check = "upper-tmpfs"
[[step]]
check = "canary"
[[step]]
check = "internal-disk-untouched"
[[step]]
check = "no-disk-writes"
)";

// The newest file in `dir` whose name starts with `prefix`.
fs::path Newest(const fs::path& dir, const std::string& prefix) {
  fs::path best;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(prefix, 0) == 0 && (best.empty() || e.path() > best)) best = e.path();
  return best;
}

fs::path SystemdRoot() {
  auto fixture = RunProcess({.argv = {"bash", LIVECHECK_SOURCE_DIR "/fixtures/third-party/debian-systemd-root.sh"},
                             .timeout = std::chrono::minutes(20)});
  if (fixture.exit_code != 0) return {};
  std::string out = fixture.out.substr(0, fixture.out.find_last_not_of('\n') + 1);
  return out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);  // its last line
}

// The same root with another fstab, as a careless user's installed system
// would have: hard links, except fstab (and a mount point).
fs::path RootWithFstab(const fs::path& tree, const fs::path& bad, const std::string& fstab) {
  if (RunProcess({.argv = {"cp", "-al", tree.string(), bad.string()}, .timeout = std::chrono::minutes(2)}).exit_code != 0) {
    fs::remove_all(bad);
    RunChecked({.argv = {"cp", "-a", tree.string(), bad.string()}, .timeout = std::chrono::minutes(5)});
  }
  fs::remove(bad / "etc/fstab");
  WriteFileAtomic(bad / "etc/fstab", fstab);
  fs::create_directories(bad / "mnt/internal");
  return bad;
}

std::map<std::string, std::map<std::string, std::string>> Verdicts(const fs::path& report) {
  std::map<std::string, std::map<std::string, std::string>> out;
  auto j = nlohmann::json::parse(ReadFile(report));
  for (const auto& r : j["results"]) {
    auto& checks = out[r["variant"].get<std::string>()];
    for (const auto& c : r["checks"]) checks[c["name"].get<std::string>()] = c["status"].get<std::string>();
    if (!r.value("error", "").empty()) checks["(error)"] = r["error"].get<std::string>();
  }
  return out;
}

TEST(UserRootBootTest, DebianSystemdRootGetsEveryCheckThroughTheInitramfsAgent) {
  auto tree = SystemdRoot();
  ASSERT_FALSE(tree.empty()) << "fixtures/third-party/debian-systemd-root.sh failed";
  auto dir = testing::MakeTestDir();
  // It swaps on the internal disk's swap area; it mounts its ext4 read-write
  // (the mount writes the superblock).
  auto bad = RootWithFstab(tree, dir.path() / "debian-root-swaps", "LABEL=INTSWAP none swap sw 0 0\n");
  auto writes = RootWithFstab(tree, dir.path() / "debian-root-writes", "LABEL=INTERNAL /mnt/internal ext4 rw 0 0\n");
  auto config = dir.path() / "variants.toml";
  // The kernel and its modules (two thirds of the tree) stay out of the
  // squashfs: livecheck's initramfs carries what the boot needs, and
  // ram-copy hashes every packed file under emulation.
  WriteFileAtomic(config, fmt::format(R"([defaults]
compressor = "lz4"
exclude = ["sys/*", "proc/*", "dev/*", "run/*", "boot/", "usr/lib/modules/"]
[variant.debian-usb]
rootfs = "{0}"
boot = "usb-bios"
[variant.debian-toram]
rootfs = "{0}"
boot = "direct"
toram = true
[variant.debian-swaps]
rootfs = "{1}"
boot = "direct"
[variant.debian-writes]
rootfs = "{2}"
boot = "direct"
# The modules stay out of the squashfs: the initramfs loads ext4 for it.
extra_modules = ["crc32c_generic", "ext4"]
[variant.debian-lvm]
rootfs = "{0}"
boot = "direct"
extra_modules = ["dm_mod"]
)",
                                      tree.string(), bad.string(), writes.string()));
  auto scenario = dir.path() / "every-check.toml";
  WriteFileAtomic(scenario, kScenario);
  auto swap_scenario = dir.path() / "swaps.toml";
  WriteFileAtomic(swap_scenario, kSwapScenario);
  auto lvm_scenario = dir.path() / "lvm.toml";
  WriteFileAtomic(lvm_scenario, kLvmScenario);
  auto images = dir.path() / "images";
  auto build = RunProcess({.argv = {LIVECHECK_BINARY, "build", "--config", config.string(), "--out", images.string()},
                           .timeout = std::chrono::minutes(10)});
  ASSERT_EQ(build.exit_code, 0) << build.out << build.err;
  auto report_dir = dir.path() / "report";
  auto run = RunProcess({.argv = {LIVECHECK_BINARY, "run", scenario.string(), swap_scenario.string(), lvm_scenario.string(), "--config",
                                  config.string(), "--images",
                                  images.string(), "--report-dir", report_dir.string(), "--accel", "tcg", "-j", "2",
                                  // Verdicts only: the libguestfs file diff of debian-writes' disk
                                  // (an appliance boot, ~13 s under TCG) is tested in RunTest.
                                  "--no-disk-diff"},
                         .timeout = std::chrono::minutes(25)});
  std::cout << run.out;
  auto verdicts = Verdicts(report_dir / "report.json");

  // ram-residue is whatever the system does with freed memory (Debian
  // promises no wiping): a verdict either way, never an ERROR or SKIP.
  for (auto& [variant, checks] : verdicts) {
    if (variant == "debian-swaps" || variant == "debian-writes" || variant == "debian-lvm") continue;
    EXPECT_TRUE(checks["ram-residue"] == "PASS" || checks["ram-residue"] == "FAIL") << variant;
    checks.erase("ram-residue");
  }
  std::map<std::string, std::string> good = {
      {"union-root", "PASS"},  {"lower-readonly", "PASS"},          {"upper-tmpfs", "PASS"},
      {"canary", "PASS"},                                           {"internal-disk-untouched", "PASS"},
      {"no-disk-writes", "PASS"}, {"boot-timing", "PASS"},          {"ram-copy", "PASS"},
      {"run: systemctl is-system-running", "PASS"}};  // the image's own function, through the agent
  auto usb = good;
  usb["ram-copy"] = "FAIL";  // not toram: tested as a control, the stick is needed
  std::map<std::string, std::string> swaps = {
      {"union-root", "PASS"}, {"internal-disk-untouched", "FAIL"}, {"no-disk-writes", "PASS"}};
  EXPECT_EQ(verdicts["debian-usb"], usb) << run.err;
  EXPECT_EQ(verdicts["debian-toram"], good) << run.err;
  EXPECT_EQ(verdicts["debian-swaps"], swaps) << run.err;
  std::map<std::string, std::string> written = {
      {"union-root", "PASS"}, {"internal-disk-untouched", "FAIL"}, {"no-disk-writes", "FAIL"}};
  EXPECT_EQ(verdicts["debian-writes"], written) << run.err;
  // Activated, never mounted: only the block devices show it.
  EXPECT_EQ(verdicts["debian-lvm"],
            (std::map<std::string, std::string>{{"run: lvchange -an suspectvg/data && ! test -e /dev/mapper/suspectvg-data",
                                                 "PASS"},
                                                {"internal-disk-untouched", "FAIL"},
                                                {"no-disk-writes", "PASS"}}))
      << run.err;
  auto report = nlohmann::json::parse(ReadFile(report_dir / "report.json"));
  for (const auto& r : report["results"]) {
    if (r["variant"] != "debian-lvm") continue;
    for (const auto& c : r["checks"]) {
      if (c["name"] != "internal-disk-untouched") continue;
      EXPECT_NE(c["summary"].get<std::string>().find("was activated (lvm): dm-0 'suspectvg-data' (lvm) is built on it"),
                std::string::npos)
          << c["summary"];
    }
    ASSERT_EQ(r["hazards"].size(), 1u);
    EXPECT_EQ(r["hazards"][0]["touched"], "activated") << r["hazards"].dump();
  }
  // The agent waited for systemd's own verdict on the boot.
  auto console = ReadFile(report_dir / "logs/every-check--debian-toram--r1.console.log");
  EXPECT_NE(console.find("phase=system-settled"), std::string::npos);
  EXPECT_TRUE(console.find("how=systemd:running") != std::string::npos ||
              console.find("how=systemd:degraded") != std::string::npos)
      << console.substr(console.size() > 3000 ? console.size() - 3000 : 0);
  // The stick again, through the tree's own dracut initramfs.
  auto kernel = Newest(tree / "boot", "vmlinuz-"), initrd = Newest(tree / "boot", "initrd.img-");
  ASSERT_FALSE(kernel.empty() || initrd.empty()) << "no kernel or dracut initrd in " << tree;
  auto dracut_scenario = dir.path() / "dracut.toml";
  WriteFileAtomic(dracut_scenario, kDracutScenario);
  auto dracut_dir = dir.path() / "dracut-report";
  auto dracut = RunProcess(
      {.argv = {LIVECHECK_BINARY, "run", dracut_scenario.string(), "--image", (images / "debian-usb/stick.img").string(),
                "--boot", "usb-bios", "--kernel", kernel.string(), "--initrd", initrd.string(), "--append",
                "root=live:LABEL=LIVECHECK rd.live.dir=live rd.live.squashimg=root.squashfs rd.live.overlay.overlayfs=1 "
                "console=ttyS0,115200",
                "--report-dir", dracut_dir.string(), "--accel", "tcg"},
       .timeout = std::chrono::minutes(15)});
  std::cout << dracut.out;
  auto through_dracut = Verdicts(dracut_dir / "report.json");
  ASSERT_EQ(through_dracut.size(), 1u) << dracut.out << dracut.err;
  EXPECT_EQ(through_dracut.begin()->second,
            (std::map<std::string, std::string>{{"union-root", "PASS"},
                                                // the serial getty's prompt
                                                {"console: debian-systemd login:", "PASS"},
                                                {"lower-readonly", "PASS"},
                                                {"upper-tmpfs", "PASS"},
                                                {"canary", "PASS"},
                                                {"internal-disk-untouched", "PASS"},
                                                {"no-disk-writes", "PASS"}}))
      << dracut.out << dracut.err;
  auto dracut_console = ReadFile(dracut_dir / "logs/dracut--stick.img--r1.console.log");
  EXPECT_NE(dracut_console.find("dracut-"), std::string::npos) << "booted through dracut";
  EXPECT_NE(dracut_console.find("phase=root-ready"), std::string::npos) << "the agent followed dracut's switch-root";

  // The user's tree is never modified.
  EXPECT_EQ(ReadFile(tree / "etc/fstab").find("INTSWAP"), std::string::npos);
}

}  // namespace
}  // namespace livecheck
