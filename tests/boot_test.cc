// Real boots under QEMU (TCG): the default variants reach the root-ready
// marker after switch_root, with every phase marker in order.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <set>

#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"
#include "common/phase_marker.h"
#include "machine/qemu_args.h"
#include "machine/host_reference.h"
#include "machine/qemu_process.h"

namespace livecheck {
namespace {

std::vector<std::string> Phases(const std::string& log) {
  std::vector<std::string> phases;
  for (const auto& m : ParsePhaseMarkers(log)) phases.push_back(m.phase);
  return phases;
}

class BootTest : public ::testing::Test {
 protected:
  // Builds one shipped variant into a private output directory.
  fs::path BuildVariant(const std::string& variant) {
    auto out = dir_.path() / "out";
    auto r = RunProcess({.argv = {LIVECHECK_BINARY, "build", "--config",
                                  LIVECHECK_SOURCE_DIR "/builder/variants.toml", "--variant", variant, "--out",
                                  out.string()},
                         .timeout = std::chrono::minutes(5)});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return out / variant;
  }

  std::string Cmdline(const fs::path& variant_dir) {
    return nlohmann::json::parse(ReadFile(variant_dir / "manifest.json"))["kernel_cmdline"];
  }

  std::chrono::milliseconds Timeout() {
    return std::chrono::milliseconds(static_cast<int64_t>(180000 * TimeoutScale()));
  }

  // Boots a built variant straight from its kernel and initrd with its stick attached.
  ConsoleWait BootDirect(const fs::path& variant, const std::string& extra_append, const std::string& until) {
    auto log = dir_.path() / "console.log";
    MachineDescription m{.kernel = variant / "vmlinuz", .initrd = variant / "initrd.img",
                         .append = Cmdline(variant) + " " + extra_append, .stick = variant / "stick.img",
                         .serial_log = log};
    qemu_ = std::make_unique<QemuProcess>(m, dir_.path() / "qemu.log");
    return WaitForPhase(*qemu_, log, until, Timeout());
  }

  TempDir dir_ = testing::MakeTestDir();
  std::unique_ptr<QemuProcess> qemu_;
};

// agent-started: the initramfs starts the guest agent just before switch_root.
const std::vector<std::string> kPhases = {"init",          "modules-loaded", "medium-found",  "medium-mounted",
                                          "lower-mounted", "union-mounted",  "agent-started", "switch-root",
                                          "root-ready"};

TEST_F(BootTest, DirectVariantReachesRootReadyWithPhasesInOrder) {
  auto wait = BootDirect(BuildVariant("direct-overlay-xz"), "live.halt=poweroff", "poweroff");
  ASSERT_TRUE(wait.found) << "console:\n" << wait.log;
  auto phases = Phases(wait.log);
  phases.pop_back();  // poweroff
  EXPECT_EQ(phases, kPhases) << wait.log;
  EXPECT_TRUE(qemu_->WaitExit(std::chrono::seconds(30))) << "poweroff -f must end QEMU (-no-reboot)";
  // Guest uptimes never go backwards.
  double last = 0;
  for (const auto& m : ParsePhaseMarkers(wait.log)) {
    EXPECT_GE(m.guest_uptime, last) << m.phase;
    last = m.guest_uptime;
  }
}

TEST_F(BootTest, ToramVariantCopiesToRamBeforeMountingLower) {
  auto wait = BootDirect(BuildVariant("direct-toram"), "live.halt=poweroff", "poweroff");
  ASSERT_TRUE(wait.found) << wait.log;
  auto expected = kPhases;
  expected.insert(expected.begin() + 4, "toram-done");
  expected.push_back("poweroff");
  EXPECT_EQ(Phases(wait.log), expected) << wait.log;
}

TEST_F(BootTest, UsbBiosStickBootsThroughSeaBiosAndSyslinux) {
  auto variant = BuildVariant("usb-bios");
  auto log = dir_.path() / "console.log";
  MachineDescription m{.boot = BootMode::kBiosUsb, .stick = variant / "stick.img", .serial_log = log};
  QemuProcess qemu(m, dir_.path() / "qemu.log");
  auto wait = WaitForPhase(qemu, log, "root-ready", Timeout());
  ASSERT_TRUE(wait.found) << "console:\n" << wait.log;
  auto phases = Phases(wait.log);
  auto end = std::find(phases.begin(), phases.end(), "root-ready");
  if (end != phases.end()) phases.erase(end + 1, phases.end());
  EXPECT_EQ(phases, kPhases) << wait.log;
  qemu.Kill();
}

// Boots `machine` until root-ready and checks the phases.
void ExpectBootsToRootReady(const MachineDescription& machine, const fs::path& dir, std::chrono::milliseconds timeout) {
  QemuProcess qemu(machine, dir / "qemu.log");
  auto wait = WaitForPhase(qemu, machine.serial_log, "root-ready", timeout);
  ASSERT_TRUE(wait.found) << "console:\n" << wait.log;
  // The agent's system-settled may follow root-ready in the same read.
  auto phases = Phases(wait.log);
  auto end = std::find(phases.begin(), phases.end(), "root-ready");
  if (end != phases.end()) phases.erase(end + 1, phases.end());
  EXPECT_EQ(phases, kPhases) << wait.log;
}

TEST_F(BootTest, UsbUefiStickBootsThroughOvmfAndGrub) {
  auto variant = BuildVariant("usb-uefi");
  auto vars = dir_.path() / "OVMF_VARS.fd";  // firmware variables are written: a private copy
  ReplaceWithCopy(kOvmfVarsTemplate, vars);
  ExpectBootsToRootReady({.boot = BootMode::kUefiUsb, .stick = variant / "stick.img", .ovmf_vars = vars,
                          .serial_log = dir_.path() / "console.log"},
                         dir_.path(), Timeout());
}

TEST_F(BootTest, HybridIsoBootsAsCdromAndAsUsbStick) {
  auto variant = BuildVariant("iso");
  ExpectBootsToRootReady({.boot = BootMode::kBiosCdrom, .cdrom = variant / "live.iso",
                          .serial_log = dir_.path() / "console-cd.log"},
                         dir_.path(), Timeout());
  ExpectBootsToRootReady({.boot = BootMode::kBiosUsb, .stick = variant / "live.iso",
                          .serial_log = dir_.path() / "console-usb.log"},
                         dir_.path(), Timeout());
}

TEST_F(BootTest, MissingMediumFailsWithMessageAndPowersOff) {
  auto variant = BuildVariant("direct-overlay-xz");
  auto log = dir_.path() / "console.log";
  // No stick attached: the initramfs must say so and power off, not hang.
  MachineDescription m{.kernel = variant / "vmlinuz", .initrd = variant / "initrd.img",
                       .append = Cmdline(variant) + " live.wait=2", .serial_log = log};
  QemuProcess qemu(m, dir_.path() / "qemu.log");
  auto wait = WaitForPhase(qemu, log, "failed", Timeout());
  ASSERT_TRUE(wait.found) << wait.log;
  EXPECT_NE(wait.log.find("livecheck-init: FAILED: live medium LABEL=LIVECHECK not found within 2 s"),
            std::string::npos)
      << wait.log;
  EXPECT_TRUE(qemu.WaitExit(std::chrono::seconds(30)));
}

}  // namespace
}  // namespace livecheck

namespace livecheck {
namespace {

// The calibration boot behind relative budgets and scaled timeouts: the
// host's guest kernel reaches the marker, every boot gives a sample, two at
// once when the runs will be two at once; the cache is reused until asked
// for a fresh measurement; a file that is no kernel gives a reason, not a
// reference.
TEST(HostReferenceTest, CalibrationBootsTheGuestKernelAndIsCached) {
  auto dir = testing::MakeTestDir();
  auto kernel = ReferenceKernel();
  ASSERT_FALSE(kernel.empty()) << "linux-image-amd64 is installed by ci/setup.sh";
  auto reference = MeasureHostReference("tcg", kernel, dir.path(), 2);
  ASSERT_TRUE(reference.valid()) << reference.error;
  EXPECT_EQ(reference.parallel, 2);
  EXPECT_EQ(reference.guest_samples.size(), 4u);
  EXPECT_GT(reference.host_seconds, reference.guest_seconds) << "QEMU starts before the kernel's clock";
  EXPECT_EQ(reference.source, "measured");
  auto cached = MeasureHostReference("tcg", kernel, dir.path(), 2);
  EXPECT_EQ(cached.source, "cached for this host boot");
  EXPECT_EQ(cached.guest_samples, reference.guest_samples);
  EXPECT_EQ(MeasureHostReference("tcg", kernel, dir.path(), 2, true).source, "measured");
  // Two runs starting together on one cache: one calibrates, the other
  // waits for it and reads its figures.
  auto first = std::async(std::launch::async, [&] { return MeasureHostReference("tcg", kernel, dir.path(), 1); });
  auto second = std::async(std::launch::async, [&] { return MeasureHostReference("tcg", kernel, dir.path(), 1); });
  std::multiset<std::string> sources = {first.get().source, second.get().source};
  EXPECT_EQ(sources, (std::multiset<std::string>{"cached for this host boot", "measured"})) << "parallelism is in the key";
  EXPECT_EQ(MeasureHostReference("tcg", kernel, dir.path(), 1).guest_samples.size(), 3u);

  auto not_a_kernel = dir.path() / "vmlinuz-garbage";
  WriteFileAtomic(not_a_kernel, std::string(4096, 'x'));
  auto broken = MeasureHostReference("tcg", not_a_kernel, dir.path(), 1);
  EXPECT_FALSE(broken.valid());
  EXPECT_NE(broken.error.find("calibration boot of " + not_a_kernel.string()), std::string::npos) << broken.error;
  EXPECT_FALSE(MeasureHostReference("tcg", "", dir.path(), 1).error.empty());
}

}  // namespace
}  // namespace livecheck
