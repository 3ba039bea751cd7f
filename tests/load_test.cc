// Load: 50 (scenario, variant) runs at -j2 on fast direct-boot variants.
// Every run is accounted for in every report format, no QEMU or runtime
// directory is left, and livecheck's own peak memory stays small.
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"
#include "tests/process_scan.h"

namespace livecheck {
namespace {

// livecheck's own memory bound. Under AddressSanitizer (the CI build) the
// shadow memory and the quarantine of freed blocks count too: the
// quarantine is kept small and the bound allows for the shadow.
#if defined(__SANITIZE_ADDRESS__)
constexpr int64_t kPeakRssKib = 384 * 1024;
const std::map<std::string, std::string> kEnv = {
    {"ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1:quarantine_size_mb=8"}};
#else
constexpr int64_t kPeakRssKib = 128 * 1024;
const std::map<std::string, std::string> kEnv = {};
#endif

TEST(LoadTest, FiftyRunsAtTwoJobsAreAllAccountedFor) {
  auto dir = testing::MakeTestDir();
  auto runtime = dir.path() / "runtime";
  fs::create_directories(runtime);
  auto r = RunProcess({.argv = {LIVECHECK_BINARY, "run", LIVECHECK_SOURCE_DIR "/fixtures/scenarios/load.toml",
                                "--config", LIVECHECK_SOURCE_DIR "/fixtures/variants.toml", "--variant", "good",
                                "--variant", "good-toram", "--repeat", "25", "--images",
                                testing::ImagesDir(dir.path() / "images", "fixtures").string(), "--report-dir", (dir.path() / "report").string(),
                                "--runtime-dir", runtime.string(), "--accel", "tcg", "-j", "2"},
                       .extra_env = kEnv,
                       .timeout = std::chrono::minutes(24)});
  EXPECT_EQ(r.exit_code, 0) << r.out.substr(r.out.size() > 6000 ? r.out.size() - 6000 : 0) << r.err;
  auto report = nlohmann::json::parse(ReadFile(dir.path() / "report/report.json"));
  ASSERT_EQ(report["results"].size(), 50u);
  EXPECT_EQ(report["summary"]["passed"], 50);
  std::map<std::string, int> per_variant;
  for (const auto& result : report["results"]) per_variant[result["variant"]] += 1;
  EXPECT_EQ(per_variant["good"], 25);
  EXPECT_EQ(per_variant["good-toram"], 25);
  auto junit = ReadFile(dir.path() / "report/junit.xml");
  size_t testcases = 0;
  for (size_t at = junit.find("<testcase "); at != std::string::npos; at = junit.find("<testcase ", at + 1)) ++testcases;
  EXPECT_EQ(testcases, 100u);  // one per run and check
  // Each run's console log and its exact QEMU command line, nothing else.
  size_t consoles = 0, commands = 0, other = 0;
  for (const auto& e : fs::directory_iterator(dir.path() / "report/logs")) {
    auto name = e.path().filename().string();
    if (name.ends_with(".console.log")) ++consoles;
    else if (name.ends_with(".qemu-argv.json")) ++commands;
    else ++other;
  }
  EXPECT_EQ(consoles, 50u);
  EXPECT_EQ(commands, 50u);
  EXPECT_EQ(other, 0u);
  EXPECT_TRUE(QemuProcessesMentioning(runtime.string()).empty());
  EXPECT_TRUE(fs::is_empty(runtime)) << "runtime directories left behind";
  // livecheck holds every result and its console tail, not the logs: it stays small.
  auto peak = report["livecheck_peak_rss_kib"].get<int64_t>();
  std::cout << "livecheck peak RSS over 50 runs: " << peak / 1024.0 << " MiB\n";
  EXPECT_GT(peak, 0);
  EXPECT_LT(peak, kPeakRssKib);
}

}  // namespace
}  // namespace livecheck
