// `livecheck bench` reduced (one workload, two backends, two repetitions)
// and `livecheck compare` on real reports.
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

TEST(BenchTest, ReducedBenchMeasuresBothBackendsAndReportsAufsUnavailable) {
  auto dir = testing::MakeTestDir();
  auto r = RunProcess({.argv = {LIVECHECK_BINARY, "bench", "--backends", "overlay,unionfs-fuse,aufs", "--compressors",
                                "lz4", "--workloads", "small-files", "--repeat", "2", "--no-toram", "--accel", "tcg",
                                "--images", (dir.path() / "images").string(), "--report-dir",
                                (dir.path() / "bench").string()},
                       .timeout = std::chrono::minutes(10)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto bench = nlohmann::json::parse(ReadFile(dir.path() / "bench/bench.json"));
  EXPECT_EQ(bench["schema"], "livecheck-bench/1");
  std::map<std::string, nlohmann::json> small_files;
  for (const auto& f : bench["figures"])
    if (f["metric"] == "small-files") small_files[f["backend"]] = f;
  ASSERT_EQ(small_files.size(), 2u) << bench.dump(1);
  for (const auto& [backend, f] : small_files) {
    EXPECT_EQ(f["samples"].size(), 2u) << backend;
    EXPECT_GT(f["median"].get<double>(), 0) << backend;
    EXPECT_EQ(f["unit"], "files/s");
  }
  EXPECT_DOUBLE_EQ(small_files["overlay"]["ratio_to_overlay"].get<double>(), 1.0);
  ASSERT_EQ(bench["unavailable"].size(), 1u);
  EXPECT_EQ(bench["unavailable"][0]["backend"], "aufs");
  EXPECT_NE(bench["unavailable"][0]["reason"].get<std::string>().find("no aufs module"), std::string::npos);
  auto html = ReadFile(dir.path() / "bench/bench.html");
  EXPECT_NE(html.find("<svg class=\"chart\""), std::string::npos);
  EXPECT_NE(html.find("aufs</b>: unavailable"), std::string::npos);
  EXPECT_NE(r.out.find("unavailable: kernel"), std::string::npos) << r.out;

  // The gate: a report against itself has no regression; a slowed copy has one.
  auto report = dir.path() / "bench/bench.json";
  auto same = RunProcess({.argv = {LIVECHECK_BINARY, "compare", report.string(), report.string()}});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  auto slower = bench;
  for (auto& f : slower["figures"])
    for (auto& s : f["samples"]) s = f["better"] == "higher" ? s.get<double>() / 3 : s.get<double>() * 3;
  WriteFileAtomic(dir.path() / "slower.json", slower.dump());
  auto worse = RunProcess({.argv = {LIVECHECK_BINARY, "compare", report.string(), (dir.path() / "slower.json").string(),
                                    "--threshold", "10"}});
  EXPECT_EQ(worse.exit_code, 1) << worse.out;
  EXPECT_NE(worse.out.find("REGRESSION"), std::string::npos) << worse.out;
}

// Two run reports: the flaky runs per variant are listed, baseline against
// current, and do not gate (exit 0 when no figure regressed).
TEST(CompareCommandTest, RunReportsShowFlakyCountsPerVariant) {
  auto dir = testing::MakeTestDir();
  auto run = [](bool flaky) {
    nlohmann::json attempts = nlohmann::json::array();
    if (flaky) attempts.push_back({{"attempt", 1}, {"status", "ERROR"}, {"error_cause", "infrastructure"}});
    attempts.push_back({{"attempt", flaky ? 2 : 1}, {"status", "PASS"}});
    return nlohmann::json{{"scenario", "guarantees"}, {"variant", "usb-bios"}, {"repetition", 1}, {"status", "PASS"},
                          {"wall_seconds", 10.0}, {"checks", nlohmann::json::array()}, {"flaky", flaky},
                          {"attempts", attempts},
                          {"phases", {{{"phase", "root-ready"}, {"guest_seconds", 2.0}, {"host_seconds", 5.0}}}}};
  };
  auto report = [&](bool flaky) {
    return nlohmann::json{{"schema", "livecheck-report/1"}, {"started_at", "2026-12-03T10:00:00Z"}, {"accel", "tcg"},
                          {"host", nlohmann::json::object()}, {"interrupted", false},
                          {"results", {run(false), run(flaky), run(false)}}};
  };
  WriteFileAtomic(dir.path() / "base.json", report(false).dump());
  WriteFileAtomic(dir.path() / "cur.json", report(true).dump());
  auto r = RunProcess({.argv = {LIVECHECK_BINARY, "compare", (dir.path() / "base.json").string(),
                                (dir.path() / "cur.json").string()}});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("usb-bios: 0 of 3 runs flaky (3 attempts) -> 1 of 3 runs flaky (4 attempts)"), std::string::npos)
      << r.out;
}

TEST(CompareCommandTest, MalformedOrIncompatibleReportsAreExit2) {
  auto dir = testing::MakeTestDir();
  WriteFileAtomic(dir.path() / "junk.json", "{not json");
  WriteFileAtomic(dir.path() / "other.json", "{\"schema\": \"something-else/3\"}");
  WriteFileAtomic(dir.path() / "run.json", "{\"schema\": \"livecheck-report/1\", \"results\": []}");
  WriteFileAtomic(dir.path() / "bench.json", "{\"schema\": \"livecheck-bench/1\", \"figures\": []}");
  auto compare = [&](const std::string& a, const std::string& b) {
    return RunProcess({.argv = {LIVECHECK_BINARY, "compare", (dir.path() / a).string(), (dir.path() / b).string()}});
  };
  auto r = compare("junk.json", "run.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("junk.json: not JSON"), std::string::npos) << r.err;
  r = compare("other.json", "run.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a livecheck run or bench report"), std::string::npos) << r.err;
  r = compare("run.json", "bench.json");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("compare like with like"), std::string::npos) << r.err;
  EXPECT_EQ(compare("run.json", "missing.json").exit_code, 2);
}

}  // namespace
}  // namespace livecheck
