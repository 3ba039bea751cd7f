// `livecheck build` on bad input: exit code 2, one line saying what and
// where, and no half-written variant left for a later run to trust.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"
#include "machine/qemu_process.h"
#include "tests/process_scan.h"

namespace livecheck {
namespace {

const fs::path kLivecheck = LIVECHECK_BINARY;

struct BuildRun {
  ProcessResult result;
  fs::path out;
};

class BuildErrorsTest : public ::testing::Test {
 protected:
  BuildRun Build(const std::string& toml, std::vector<std::string> extra = {}) {
    auto config = dir_.path() / "variants.toml";
    WriteFileAtomic(config, toml);
    fs::path out = dir_.path() / "out";
    std::vector<std::string> argv = {kLivecheck.string(), "build", "--config", config.string(), "--out", out.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return {RunProcess({.argv = argv, .timeout = std::chrono::minutes(3)}), out};
  }

  // No variant directory (only the cache and lock) may be left behind.
  static void ExpectNoVariantDirs(const fs::path& out) {
    if (!fs::exists(out)) return;
    for (const auto& entry : fs::directory_iterator(out)) {
      auto name = entry.path().filename().string();
      EXPECT_TRUE(name == ".cache" || name == ".lock") << "left behind: " << name;
    }
  }

  static void ExpectOneLineError(const ProcessResult& r, const std::string& text) {
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }

  TempDir dir_ = testing::MakeTestDir();
};

TEST_F(BuildErrorsTest, MalformedTomlNamesFileAndLine) {
  auto run = Build("[variant.a]\nboot = \"direct\n");
  ExpectOneLineError(run.result, (dir_.path() / "variants.toml").string() + ":2:");
  ExpectNoVariantDirs(run.out);
}

TEST_F(BuildErrorsTest, UnknownKeyAndCompressor) {
  auto run = Build("[variant.a]\ncompressor = \"brotli\"\n");
  ExpectOneLineError(run.result, "variants.toml:2:14: unknown compressor 'brotli'");
  run = Build("[variant.a]\nunoin = \"overlay\"\n");
  ExpectOneLineError(run.result, "variants.toml:2:9: unknown key 'unoin' in [variant.a]");
}

TEST_F(BuildErrorsTest, UnknownVariantFlag) {
  auto run = Build("[variant.a]\n", {"--variant", "nope"});
  ExpectOneLineError(run.result, "--variant nope: no such variant in");
}

TEST_F(BuildErrorsTest, MissingKernelAndModulesDirectory) {
  auto run = Build("[variant.a]\nkernel = \"/nonexistent/vmlinuz-1\"\n");
  ExpectOneLineError(run.result, "kernel /nonexistent/vmlinuz-1 does not exist");
  ExpectNoVariantDirs(run.out);
  run = Build("[variant.a]\nmodules = \"/nonexistent/modules/6.1\"\n");
  ExpectOneLineError(run.result, "kernel modules directory /nonexistent/modules/6.1 does not exist");
}

TEST_F(BuildErrorsTest, ModuleMissingFromModulesDep) {
  // A modules tree whose modules.dep lacks the USB and squashfs modules: the
  // first one missing, in the order /init loads them, is the stick's controller.
  auto modules = dir_.path() / "modules/9.9.9-test";
  fs::create_directories(modules);
  WriteFileAtomic(modules / "modules.dep", "kernel/drivers/block/loop.ko:\n");
  auto run = Build("[variant.a]\nmodules = \"" + modules.string() + "\"\n");
  ExpectOneLineError(run.result, "variant a: " + (dir_.path() / "variants.toml").string() +
                                     ":1: variant 'a': kernel module 'xhci_pci' is neither in modules.dep nor built "
                                     "into kernel 9.9.9-test");
  ExpectNoVariantDirs(run.out);
}

TEST_F(BuildErrorsTest, AufsOnDebianKernelIsABuildTimeError) {
  auto run = Build("[variant.a]\nunion = \"aufs\"\n");
  ExpectOneLineError(run.result, "union backend aufs needs a kernel with aufs");
  ExpectNoVariantDirs(run.out);
}

TEST_F(BuildErrorsTest, MissingRootfsDirectory) {
  auto run = Build("[variant.a]\nrootfs = \"no/such/tree\"\n");
  ExpectOneLineError(run.result, "rootfs " + (dir_.path() / "no/such/tree").string() + " does not exist");
  ExpectNoVariantDirs(run.out);
}

TEST_F(BuildErrorsTest, BadJobsFlagIsUsageError) {
  auto run = Build("[variant.a]\n", {"--jobs", "0"});
  EXPECT_EQ(run.result.exit_code, 2);
}

// Two builds at once on one output directory: the second waits on its lock
// and then finds the first's work done; neither corrupts the cache.
TEST_F(BuildErrorsTest, ConcurrentBuildsOnOneDirectoryBothSucceed) {
  auto config = dir_.path() / "variants.toml";
  WriteFileAtomic(config, "[variant.a]\n[variant.b]\nboot = \"usb-bios\"\n");
  auto out = dir_.path() / "shared";
  std::vector<std::string> argv = {kLivecheck.string(), "build", "--config", config.string(), "--out", out.string()};
  auto second = std::async(std::launch::async, [&] { return RunProcess({.argv = argv, .timeout = std::chrono::minutes(3)}); });
  auto first = RunProcess({.argv = argv, .timeout = std::chrono::minutes(3)});
  auto other = second.get();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(other.exit_code, 0) << other.err;
  // One of them built both variants; the other reused them.
  EXPECT_NE((first.out + other.out).find("reused 2 unchanged"), std::string::npos) << first.out << other.out;
  for (const auto& entry : fs::recursive_directory_iterator(out))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  auto verify = RunProcess({.argv = {"unsquashfs", "-l", (out / "a/root.squashfs").string()}});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

// A full disk mid-build: the output directory is a 6 MiB tmpfs, big enough
// for the stage cache to start but not for the media.
TEST_F(BuildErrorsTest, FullDiskLeavesNoVariant) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
  auto out = dir_.path() / "small";
  fs::create_directories(out);
  ASSERT_EQ(mount("tmpfs", out.c_str(), "tmpfs", 0, "size=6m"), 0);
  auto config = dir_.path() / "variants.toml";
  WriteFileAtomic(config, "[variant.a]\nboot = \"usb-bios\"\n");
  auto r = RunProcess({.argv = {kLivecheck.string(), "build", "--config", config.string(), "--out", out.string()},
                       .timeout = std::chrono::minutes(3)});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("variant a: "), std::string::npos) << r.err;
  bool says_full = r.err.find("No space left") != std::string::npos || r.err.find("disk is full") != std::string::npos;
  EXPECT_TRUE(says_full) << r.err;
  ExpectNoVariantDirs(out);
  // Nothing half-written in the cache either: every cached stage is complete or absent.
  for (const auto& entry : fs::directory_iterator(out / ".cache"))
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  umount2(out.c_str(), MNT_DETACH);
}

}  // namespace
}  // namespace livecheck

namespace livecheck {
namespace {

// A build killed mid-way leaves staging directories; the next build removes
// them and never takes a partial variant for a complete one.
TEST(InterruptedBuildTest, NextBuildCleansUpAndCompletes) {
  auto dir = testing::MakeTestDir();
  auto out = dir.path() / "out";
  std::vector<std::string> argv = {LIVECHECK_BINARY, "build", "--config", LIVECHECK_SOURCE_DIR "/builder/variants.toml",
                                   "--out", out.string(), "--variant", "direct-overlay-xz", "--variant", "usb-bios"};
  fs::create_directories(out / ".cache");
  fs::create_directories(out / ".staging-usb-bios-AAAAAA");  // what a SIGKILLed build leaves
  WriteFileAtomic(out / ".cache/squashfs-x.img.tmp123", "partial");
  auto r = RunProcess({.argv = argv, .timeout = std::chrono::minutes(3)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(out / ".staging-usb-bios-AAAAAA"));
  EXPECT_FALSE(fs::exists(out / ".cache/squashfs-x.img.tmp123"));
  r = RunProcess({.argv = argv, .timeout = std::chrono::minutes(3)});
  EXPECT_NE(r.out.find("built 0 variant(s), reused 2 unchanged"), std::string::npos) << r.out;
}

// SIGTERM while `livecheck run` is still building its images: the image tools
// are killed with it, every staging directory and temporary file is removed
// by the unwinding, no report is written, and it exits 130 within seconds.
TEST(InterruptedBuildTest, SigtermStopsTheToolsAndLeavesNothing) {
  auto dir = testing::MakeTestDir();
  auto out = dir.path() / "images";
  std::vector<std::string> argv = {LIVECHECK_BINARY, "run", LIVECHECK_SOURCE_DIR "/scenarios/guarantees.toml",
                                   "--config", LIVECHECK_SOURCE_DIR "/builder/variants.toml", "--variant",
                                   "direct-overlay-xz", "--variant", "direct-gzip", "--images", out.string(),
                                   "--report-dir", (dir.path() / "report").string(), "--accel", "tcg"};
  QemuProcess livecheck(argv, dir.path() / "livecheck.log");  // any process: spawned and always reaped
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (ProcessesMentioning("mksquashfs", out.string()).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_FALSE(ProcessesMentioning("mksquashfs", out.string()).empty()) << ReadFile(dir.path() / "livecheck.log");
  kill(livecheck.pid(), SIGTERM);
  auto status = livecheck.WaitExit(std::chrono::seconds(10));
  ASSERT_TRUE(status) << "livecheck did not stop within 10 s of SIGTERM";
  std::string log = ReadFile(dir.path() / "livecheck.log");
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 130) << log;
  EXPECT_NE(log.find("interrupted by signal 15"), std::string::npos) << log;
  EXPECT_TRUE(ProcessesMentioning("mksquashfs", out.string()).empty()) << "an image tool outlived livecheck";
  EXPECT_FALSE(fs::exists(dir.path() / "report/report.json"));
  std::error_code ec;
  for (const auto& d : {out, out / ".cache"})
    for (const auto& entry : fs::directory_iterator(d, ec)) {
      auto name = entry.path().filename().string();
      EXPECT_TRUE(name == ".cache" || name == ".lock" || fs::exists(entry.path() / "manifest.json") ||
                  name.starts_with("squashfs-") || name.starts_with("initramfs-"))
          << "left behind: " << entry.path();
      EXPECT_EQ(name.find(".tmp"), std::string::npos) << "left behind: " << entry.path();
    }
}

}  // namespace
}  // namespace livecheck

namespace livecheck {
namespace {

TEST(DoctorTest, ReportsWhatTheHostHas) {
  auto dir = testing::MakeTestDir();
  auto r = RunProcess({.argv = {LIVECHECK_BINARY, "doctor", "--images", (dir.path() / "none").string()},
                       .timeout = std::chrono::minutes(1)});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // ci/setup.sh installed everything
  EXPECT_NE(r.out.find("qemu-system-x86_64"), std::string::npos);
  EXPECT_NE(r.out.find("QEMU emulator version"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("guest kernel"), std::string::npos);
  EXPECT_NE(r.out.find("everything livecheck needs is here"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace livecheck
