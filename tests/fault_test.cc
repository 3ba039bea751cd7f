// Faults injected into `livecheck run` from outside, under QEMU (TCG): a
// QEMU killed mid-boot, a second run on the same report directory, a full
// disk while the reports are written, a guest that prints hostile text.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"
#include "machine/qemu_process.h"
#include "tests/process_scan.h"

namespace livecheck {
namespace {

// QEMU killed from outside mid-boot, with --retry-errors 1: the run whose
// QEMU dies once passes on its second attempt, marked flaky, with both
// attempts and their console logs kept; the run whose QEMU dies on both
// attempts stays ERROR (the infrastructure's); the report is complete.
TEST(FaultTest, QemuKilledMidBootIsRetriedOnceAndMarkedFlaky) {
  auto dir = testing::MakeTestDir();
  auto runtime = dir.path() / "runtime";
  fs::create_directories(runtime);
  std::vector<std::string> argv = {LIVECHECK_BINARY, "run", LIVECHECK_SOURCE_DIR "/scenarios/guarantees.toml",
                                   "--config", LIVECHECK_SOURCE_DIR "/fixtures/variants.toml", "--variant", "good",
                                   "--variant", "good-toram", "--images",
                                   testing::ImagesDir(dir.path() / "images", "fixtures").string(),
                                   "--report-dir", (dir.path() / "report").string(), "--accel", "tcg", "-j", "2",
                                   "--runtime-dir", runtime.string(), "--retry-errors", "1"};
  QemuProcess livecheck(argv, dir.path() / "livecheck.log");
  // Every QEMU of good-toram is killed (both attempts), only the first of good.
  std::set<pid_t> seen;
  int good_kills = 0, toram_kills = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(8);
  std::optional<int> status;
  while (!(status = livecheck.WaitExit(std::chrono::milliseconds(200))) && std::chrono::steady_clock::now() < deadline) {
    for (pid_t pid : QemuProcessesMentioning(runtime.string())) {
      if (!seen.insert(pid).second) continue;
      std::string cmdline;
      try {
        cmdline = ReadFile(fs::path("/proc") / std::to_string(pid) / "cmdline");
      } catch (...) {
        continue;
      }
      bool toram = cmdline.find("good-toram") != std::string::npos;
      int& kills = toram ? toram_kills : good_kills;
      if (kills >= (toram ? 2 : 1)) continue;
      std::this_thread::sleep_for(std::chrono::seconds(1));
      kill(pid, SIGKILL);
      ++kills;
    }
  }
  ASSERT_TRUE(status) << ReadFile(dir.path() / "livecheck.log");
  auto log = ReadFile(dir.path() / "livecheck.log");
  EXPECT_EQ(good_kills, 1) << log;
  EXPECT_EQ(toram_kills, 2) << log;
  EXPECT_EQ(WEXITSTATUS(*status), 1) << log;
  EXPECT_NE(log.find("ERROR of the infrastructure"), std::string::npos) << log;
  auto report = nlohmann::json::parse(ReadFile(dir.path() / "report/report.json"));
  ASSERT_EQ(report["results"].size(), 2u);
  for (const auto& r : report["results"]) {
    ASSERT_EQ(r["attempts"].size(), 2u) << r.dump(1);
    const auto& first = r["attempts"][0];
    EXPECT_EQ(first["status"], "ERROR");
    EXPECT_EQ(first["error_cause"], "infrastructure");
    EXPECT_NE(first["error"].get<std::string>().find("QEMU was killed by signal 9"), std::string::npos) << first;
    for (const auto& a : r["attempts"])
      EXPECT_TRUE(fs::exists(dir.path() / "report" / a["console_log"].get<std::string>())) << a;
    if (r["variant"] == "good") {
      EXPECT_EQ(r["status"], "PASS") << r.dump(1);
      EXPECT_EQ(r["flaky"], true);
      EXPECT_EQ(r["attempts"][1]["status"], "PASS");
    } else {
      EXPECT_EQ(r["status"], "ERROR") << r.dump(1);
      EXPECT_EQ(r["error_cause"], "infrastructure");
      EXPECT_EQ(r["flaky"], false);
    }
  }
  EXPECT_EQ(report["summary"]["flaky"], 1);
  auto junit = ReadFile(dir.path() / "report/junit.xml");
  EXPECT_NE(junit.find("<property name=\"livecheck.flaky\" value=\"infrastructure\"/>"), std::string::npos);
  EXPECT_NE(ReadFile(dir.path() / "report/report.html").find("flaky infrastructure, 2 attempts"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(runtime));
}

// Two runs on one report directory: the second is refused, the first is unharmed.
TEST(FaultTest, SecondRunOnTheSameReportDirectoryIsRefused) {
  auto dir = testing::MakeTestDir();
  auto report = dir.path() / "report";
  fs::create_directories(report);
  DirectoryClaim first(report, "--report-dir");  // stands for a run in progress
  auto r = RunProcess({.argv = {LIVECHECK_BINARY, "run", LIVECHECK_SOURCE_DIR "/scenarios/guarantees.toml", "--config",
                                LIVECHECK_SOURCE_DIR "/fixtures/variants.toml", "--variant", "good", "--images",
                                testing::ImagesDir(dir.path() / "images", "fixtures").string(), "--report-dir", report.string(), "--accel", "tcg"},
                       .timeout = std::chrono::minutes(5)});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("is in use by another livecheck run"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(report / "report.json"));
}

}  // namespace
}  // namespace livecheck

namespace livecheck {
namespace {

std::vector<std::string> RunGoodArgv(const fs::path& dir, const fs::path& report) {
  return {LIVECHECK_BINARY, "run", LIVECHECK_SOURCE_DIR "/scenarios/guarantees.toml", "--config",
          LIVECHECK_SOURCE_DIR "/fixtures/variants.toml", "--variant", "good", "--images",
          testing::ImagesDir(dir / "images", "fixtures").string(), "--report-dir", report.string(), "--accel", "tcg"};
}

// The report directory is a tmpfs with a few KiB left: the run finishes, its
// results are printed, and then it says which file it could not write, exits
// 3 and leaves no report at all: neither a half-written one nor the previous
// run's junit.xml, which a CI job would otherwise publish as this run's.
TEST(FaultTest, FullDiskWhileWritingReportsLeavesNoReport) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
  auto dir = testing::MakeTestDir();
  auto report = dir.path() / "report";
  fs::create_directories(report);
  ASSERT_EQ(mount("tmpfs", report.c_str(), "tmpfs", 0, "size=256k"), 0);
  struct Unmount {
    fs::path path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{report};
  WriteFileAtomic(report / "junit.xml", "<testsuites><!-- an earlier run --></testsuites>");
  WriteFileAtomic(report / "filler", std::string(248 * 1024, 'x'));
  auto r = RunProcess({.argv = RunGoodArgv(dir.path(), report), .timeout = std::chrono::minutes(5)});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("1 of 1 runs passed"), std::string::npos) << "the results still reach the log\n" << r.out;
  EXPECT_NE(r.err.find("no report written: cannot write"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(the disk is full)"), std::string::npos) << r.err;
  for (const auto& entry : fs::recursive_directory_iterator(report)) {
    // Console logs are copied whole or not at all as each run ends.
    auto name = entry.path().filename().string();
    bool expected = name == "filler" || name == ".lock" || name == "logs" || entry.path().parent_path().filename() == "logs";
    EXPECT_TRUE(expected) << "left behind: " << entry.path();
  }
}

// Guest output is untrusted: markup and script on the console, a fake phase
// marker naming a ../ path, a mount point full of markup. The reports show
// all of it as text; nothing is created outside the report directory.
TEST(FaultTest, HostileGuestOutputStaysText) {
  auto dir = testing::MakeTestDir();
  auto report = dir.path() / "report";
  fs::remove("/tmp/livecheck-escape");
  auto r = RunProcess({.argv = {LIVECHECK_BINARY, "run", LIVECHECK_SOURCE_DIR "/fixtures/scenarios/hostile.toml",
                                "--config", LIVECHECK_SOURCE_DIR "/fixtures/variants.toml", "--images",
                                testing::ImagesDir(dir.path() / "images", "fixtures").string(), "--report-dir", report.string(), "--accel", "tcg"},
                       .timeout = std::chrono::minutes(5)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // boot-timing fails on purpose, to show the console
  auto json = nlohmann::json::parse(ReadFile(report / "report.json"));
  auto result = json["results"][0];
  EXPECT_EQ(result["status"], "FAIL") << result.dump(1);
  EXPECT_NE(result["console_tail"].get<std::string>().find("<script>alert(\"livecheck-xss\")"), std::string::npos)
      << "the guest's text is kept as data";
  for (const auto& p : result["phases"])
    EXPECT_EQ(p["phase"].get<std::string>().find_first_of("./<"), std::string::npos) << p.dump();
  bool hostile_mount_seen = false;
  for (const auto& c : result["checks"])
    hostile_mount_seen = hostile_mount_seen || c["evidence"].dump().find("/run/live/upper/<script>alert(2)<") != std::string::npos;
  EXPECT_TRUE(hostile_mount_seen) << "the fixture's mount point reached the evidence";

  auto html = ReadFile(report / "report.html");
  for (const char* raw : {"<script>alert", "<img src=x", "<b>bold", "]]>", "\x01", "\x1b["})
    EXPECT_EQ(html.find(raw), std::string::npos) << "unescaped in report.html: " << raw;
  EXPECT_NE(html.find("&lt;script&gt;alert("), std::string::npos);
  auto lint = RunProcess({.argv = {"xmllint", "--noout", "--schema", LIVECHECK_SOURCE_DIR "/reports/testdata/junit.xsd",
                                   (report / "junit.xml").string()}});
  EXPECT_EQ(lint.exit_code, 0) << lint.err;
  EXPECT_FALSE(fs::exists("/tmp/livecheck-escape"));
  for (const auto& entry : fs::recursive_directory_iterator(report)) {
    auto name = entry.path().filename().string();
    EXPECT_EQ(name.find_first_of("<>"), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace livecheck
