// A user's own root tree, not livecheck's: the root of Debian 12 that
// fixtures/third-party/debian-live.sh builds (sysvinit, getty, its own 6.1
// kernel and modules), unpacked from that ISO with xorriso and unsquashfs
// as a user's installed system would be, packed by `livecheck build` with
// `rootfs =` and booted through a BIOS stick and directly with toram. Every
// guest check answers through the agent that livecheck's initramfs starts
// and that follows the Debian init into its root; a variant whose fstab
// swaps on the internal disk fails exactly internal-disk-untouched.
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

// All nine checks; ram-copy last, because it pulls the stick.
constexpr const char* kScenario = R"(description = "every check on a user's Debian root"
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
check = "ram-copy"
)";

fs::path FixtureDir() {
  auto fixture = RunProcess({.argv = {"bash", LIVECHECK_SOURCE_DIR "/fixtures/third-party/debian-live.sh"},
                             .timeout = std::chrono::minutes(20)});
  if (fixture.exit_code != 0) return {};
  std::string out = fixture.out.substr(0, fixture.out.find_last_not_of('\n') + 1);
  return out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);  // its last line
}

// The Debian root as a directory, with its kernel in /boot as an installed
// system has it (the fixture's squashfs leaves /boot out).
fs::path UnpackRoot(const fs::path& fixture, const fs::path& work) {
  RunChecked({.argv = {"xorriso", "-osirrox", "on", "-indev", (fixture / "debian-live.iso").string(), "-extract",
                       "/live/filesystem.squashfs", (work / "filesystem.squashfs").string()}});
  auto tree = work / "debian-root";
  RunChecked({.argv = {"unsquashfs", "-q", "-n", "-d", tree.string(), (work / "filesystem.squashfs").string()},
              .timeout = std::chrono::minutes(5)});
  fs::remove(work / "filesystem.squashfs");
  std::string version;
  for (const auto& e : fs::directory_iterator(tree / "lib/modules")) version = e.path().filename().string();
  fs::create_directories(tree / "boot");
  fs::copy_file(fixture / "vmlinuz", tree / "boot" / ("vmlinuz-" + version));
  return tree;
}

// The same root with an fstab that swaps on the internal disk's swap area,
// as a careless user's installed system would: hard links, except fstab.
fs::path SwappingRoot(const fs::path& tree, const fs::path& work) {
  auto bad = work / "debian-root-swaps";
  RunChecked({.argv = {"cp", "-al", tree.string(), bad.string()}, .timeout = std::chrono::minutes(2)});
  fs::remove(bad / "etc/fstab");
  WriteFileAtomic(bad / "etc/fstab", "LABEL=INTSWAP none swap sw 0 0\n");
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

TEST(UserRootBootTest, DebianRootGetsEveryCheckThroughTheInitramfsAgent) {
  auto fixture = FixtureDir();
  ASSERT_FALSE(fixture.empty()) << "fixtures/third-party/debian-live.sh failed";
  auto dir = testing::MakeTestDir();
  auto tree = UnpackRoot(fixture, dir.path());
  auto bad = SwappingRoot(tree, dir.path());
  auto config = dir.path() / "variants.toml";
  WriteFileAtomic(config, fmt::format(R"([defaults]
compressor = "lz4"
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
toram = true
)",
                                      tree.string(), bad.string()));
  auto scenario = dir.path() / "every-check.toml";
  WriteFileAtomic(scenario, kScenario);
  auto images = dir.path() / "images";
  auto build = RunProcess({.argv = {LIVECHECK_BINARY, "build", "--config", config.string(), "--out", images.string()},
                           .timeout = std::chrono::minutes(10)});
  ASSERT_EQ(build.exit_code, 0) << build.out << build.err;
  auto report_dir = dir.path() / "report";
  auto run = RunProcess({.argv = {LIVECHECK_BINARY, "run", scenario.string(), "--config", config.string(), "--images",
                                  images.string(), "--report-dir", report_dir.string(), "--accel", "tcg", "-j", "2"},
                         .timeout = std::chrono::minutes(25)});
  std::cout << run.out;
  auto verdicts = Verdicts(report_dir / "report.json");

  // Debian's root promises no memory wiping: ram-residue is an honest FAIL.
  std::map<std::string, std::string> good = {
      {"union-root", "PASS"},  {"lower-readonly", "PASS"},          {"upper-tmpfs", "PASS"},
      {"canary", "PASS"},      {"ram-residue", "FAIL"},             {"internal-disk-untouched", "PASS"},
      {"no-disk-writes", "PASS"}, {"boot-timing", "PASS"},          {"ram-copy", "PASS"}};
  auto usb = good;
  usb["ram-copy"] = "FAIL";  // not toram: tested as a control, the stick is needed
  auto swaps = good;
  swaps["internal-disk-untouched"] = "FAIL";
  EXPECT_EQ(verdicts["debian-usb"], usb) << run.err;
  EXPECT_EQ(verdicts["debian-toram"], good) << run.err;
  EXPECT_EQ(verdicts["debian-swaps"], swaps) << run.err;
  // The user's tree is never modified.
  EXPECT_EQ(ReadFile(tree / "etc/fstab").find("INTSWAP"), std::string::npos);
}

}  // namespace
}  // namespace livecheck
