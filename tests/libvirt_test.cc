// `livecheck run --backend libvirt` against a real libvirtd on this machine
// (started by ci/libvirt-up.sh): the same checks pass and the same negative
// controls fail as with QEMU started directly, runs are spread over every
// --connect, and no domain outlives a run, even after SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"
#include "common/text_lines.h"
#include "machine/qemu_process.h"

namespace livecheck {
namespace {

std::vector<std::string> LivecheckDomains() {
  auto r = RunProcess({.argv = {"virsh", "-c", "qemu:///system", "list", "--all", "--name"}});
  std::vector<std::string> names;
  for (auto name : SplitLines(r.out))
    if (name.rfind("livecheck-", 0) == 0) names.emplace_back(name);
  return names;
}

class LibvirtTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "starting libvirtd needs root";
    auto up = RunProcess({.argv = {"bash", LIVECHECK_SOURCE_DIR "/ci/libvirt-up.sh"}, .timeout = std::chrono::minutes(1)});
    ASSERT_EQ(up.exit_code, 0) << up.err;
  }
  std::vector<std::string> Argv(const fs::path& dir, const std::string& scenario, std::vector<std::string> extra) {
    std::vector<std::string> argv = {LIVECHECK_BINARY, "run", LIVECHECK_SOURCE_DIR "/fixtures/scenarios/" + scenario,
                                     "--config", LIVECHECK_SOURCE_DIR "/fixtures/variants.toml", "--images",
                                     (dir / "images").string(), "--report-dir", (dir / "report").string(),
                                     "--accel", "tcg", "-j", "2", "--backend", "libvirt",
                                     "--connect", "qemu:///system", "--connect", "qemu:///system?spread=2"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }
};

TEST_F(LibvirtTest, SameVerdictsAsTheDirectBackend) {
  auto dir = testing::MakeTestDir();
  auto r = RunProcess({.argv = Argv(dir.path(), "controls.toml",
                                    {"--variant", "good", "--variant", "bad-writes-stick", "--variant",
                                     "bad-mounts-internal", "--variant", "bad-writable-lower",
                                     // verdicts only: the file diff is the backend-independent part
                                     "--no-disk-diff"}),
                       .timeout = std::chrono::minutes(10)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto report = nlohmann::json::parse(ReadFile(dir.path() / "report/report.json"));
  std::map<std::string, std::map<std::string, std::string>> checks;
  std::set<std::string> machines;
  for (const auto& result : report["results"]) {
    machines.insert(result["machine"].get<std::string>());
    for (const auto& c : result["checks"])
      checks[result["variant"].get<std::string>()][c["name"].get<std::string>()] = c["status"].get<std::string>();
  }
  EXPECT_EQ(machines, (std::set<std::string>{"libvirt qemu:///system", "libvirt qemu:///system?spread=2"}))
      << "runs are spread over both connections";
  for (const auto& [check, status] : checks["good"]) EXPECT_EQ(status, "PASS") << check << r.out;
  EXPECT_EQ(checks["bad-writes-stick"]["no-disk-writes"], "FAIL") << r.out;
  EXPECT_EQ(checks["bad-mounts-internal"]["internal-disk-untouched"], "FAIL") << r.out;
  EXPECT_EQ(checks["bad-writable-lower"]["lower-readonly"], "FAIL") << r.out;
  EXPECT_TRUE(LivecheckDomains().empty());
}

// The stick is hot-unplugged through libvirt's device detach. The run's
// evidence bundle verifies as the QEMU backend's does.
TEST_F(LibvirtTest, RamCopyUnplugsThroughLibvirt) {
  auto dir = testing::MakeTestDir();
  auto evidence = dir.path() / "evidence";
  auto r = RunProcess({.argv = Argv(dir.path(), "ram-copy.toml", {"--variant", "good-toram", "--variant", "bad-fake-toram",
                                                                  "--evidence", evidence.string()}),
                       .timeout = std::chrono::minutes(10)});
  auto verify = RunProcess({.argv = {LIVECHECK_BINARY, "verify", evidence.string()}});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.out.find("not decided again"), std::string::npos) << verify.out;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto report = nlohmann::json::parse(ReadFile(dir.path() / "report/report.json"));
  // The domain XML as libvirt got it, and the counters over the run.
  for (const auto& result : report["results"]) {
    auto xml = result["machine_definition"].get<std::string>();
    EXPECT_TRUE(xml.ends_with(".domain.xml")) << xml;
    EXPECT_NE(ReadFile(evidence / "report" / xml).find("<domain type='qemu'"), std::string::npos);
    EXPECT_GE(result["block_counters"].size(), 3u) << result["block_counters"].dump();
  }
  for (const auto& result : report["results"])
    for (const auto& c : result["checks"])
      EXPECT_EQ(c["status"], result["variant"] == "good-toram" ? "PASS" : "FAIL") << result.dump(1);
}

TEST_F(LibvirtTest, SigtermDestroysEveryDomain) {
  auto dir = testing::MakeTestDir();
  QemuProcess livecheck(Argv(dir.path(), "controls.toml", {"--variant", "good", "--variant", "bad-slow-boot"}),
                        dir.path() / "livecheck.log");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (LivecheckDomains().size() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(LivecheckDomains().size(), 2u) << ReadFile(dir.path() / "livecheck.log");
  kill(livecheck.pid(), SIGTERM);
  auto status = livecheck.WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(status);
  EXPECT_EQ(WEXITSTATUS(*status), 130) << ReadFile(dir.path() / "livecheck.log");
  EXPECT_TRUE(LivecheckDomains().empty());
}

}  // namespace
}  // namespace livecheck
