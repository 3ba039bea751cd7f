#include "reports/compare.h"

#include "common/testing.h"
#include "reports/bench_report.h"

namespace livecheck {
namespace {

Metric M(const std::string& key, std::vector<double> samples, bool lower = true) {
  return {key, lower ? "s" : "MB/s", lower, false, std::move(samples)};
}

TEST(CompareTest, ClearRegressionIsFlagged) {
  auto rows = CompareMetrics({M("usb-bios root-ready", {4.0, 4.1, 4.2})}, {M("usb-bios root-ready", {5.0, 5.1, 5.3})}, 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].regression);
  EXPECT_NEAR(rows[0].worse_percent, (5.1 - 4.1) / 4.1 * 100, 1e-9);
}

TEST(CompareTest, NoiseIsNotARegression) {
  // Median 12% worse, but the ranges overlap: one slow repetition is noise.
  auto rows = CompareMetrics({M("x", {4.0, 4.1, 5.0})}, {M("x", {4.2, 4.6, 4.7})}, 10);
  EXPECT_FALSE(rows[0].regression);
  EXPECT_FALSE(rows[0].beyond_noise);
  // Beyond noise but under the threshold: not a regression either.
  rows = CompareMetrics({M("x", {4.0, 4.0, 4.0})}, {M("x", {4.2, 4.2, 4.2})}, 10);
  EXPECT_TRUE(rows[0].beyond_noise);
  EXPECT_FALSE(rows[0].regression);
}

TEST(CompareTest, HigherIsBetterFiguresRegressDownwards) {
  auto rows = CompareMetrics({M("xz overlay seq-read", {100, 110, 105}, false)},
                             {M("xz overlay seq-read", {60, 62, 65}, false)}, 10);
  EXPECT_TRUE(rows[0].regression);
  rows = CompareMetrics({M("t", {100, 110, 105}, false)}, {M("t", {150, 160, 155}, false)}, 10);
  EXPECT_FALSE(rows[0].regression);
  EXPECT_LT(rows[0].worse_percent, 0);
}

// A baseline from a fast runner against the same image on a runner 2.5x
// slower: raw, every figure "regressed"; scaled by the two host references,
// none did; a real regression on the slow runner still shows.
TEST(CompareTest, BaselineFromAnotherHostIsScaledByTheReferences) {
  auto report = [](double guest_reference, double host_reference) {
    return nlohmann::json{{"host_reference", {{"guest_seconds", guest_reference}, {"host_seconds", host_reference}}}};
  };
  auto fast = report(1.5, 4.0), slow = report(3.75, 10.0);
  auto n = NormaliseByReferences(fast, slow, true);
  EXPECT_DOUBLE_EQ(n.guest_factor, 2.5);
  EXPECT_DOUBLE_EQ(n.host_factor, 2.5);
  EXPECT_NE(n.note.find("scaled by 2.50"), std::string::npos) << n.note;
  std::vector<Metric> baseline = {M("v root-ready", {4.0, 4.1, 4.2}), M("xz overlay seq-read", {100, 104, 108}, false)};
  std::vector<Metric> same_image = {M("v root-ready", {10.0, 10.3, 10.4}), M("xz overlay seq-read", {40, 42, 43}, false)};
  for (const auto& row : CompareMetrics(baseline, same_image, 10)) EXPECT_TRUE(row.regression) << row.key << " raw";
  for (const auto& row : CompareMetrics(ApplyNormalisation(baseline, n), same_image, 10))
    EXPECT_FALSE(row.regression) << row.key << " normalised";
  std::vector<Metric> slower_image = {M("v root-ready", {13.0, 13.2, 13.5})};
  EXPECT_TRUE(CompareMetrics(ApplyNormalisation(baseline, n), slower_image, 10)[0].regression);
  // Without a reference in both, or with --raw: as measured, and said so.
  EXPECT_EQ(NormaliseByReferences(nlohmann::json::object(), slow, true).guest_factor, 1);
  EXPECT_NE(NormaliseByReferences(nlohmann::json::object(), slow, true).note.find("the baseline report has no host reference"),
            std::string::npos);
  EXPECT_EQ(NormaliseByReferences(fast, slow, false).guest_factor, 1);
}

TEST(CompareTest, ExtractsRunAndBenchReportsAndRefusesOthers) {
  nlohmann::json run = {{"schema", "livecheck-report/1"},
                        {"results",
                         {{{"variant", "v"}, {"status", "PASS"},
                           {"phases", {{{"phase", "init"}, {"guest_seconds", 1.5}, {"host_seconds", 3.0}}}}}}}};
  auto metrics = ExtractMetrics(run, "run.json");
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0].key, "v init");
  nlohmann::json bench = {{"schema", "livecheck-bench/1"},
                          {"figures",
                           {{{"compressor", "xz"}, {"backend", "overlay"}, {"metric", "seq-read"}, {"unit", "MB/s"},
                             {"better", "higher"}, {"samples", {1.0, 2.0}}}}}};
  // No guest clock (a medium without markers): gated on host time, under its own name.
  run["results"][0]["phases"].push_back({{"phase", "ready"}, {"guest_seconds", -1}, {"host_seconds", 95.0}});
  metrics = ExtractMetrics(run, "run.json");
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics[1].key, "v ready (host)");
  EXPECT_DOUBLE_EQ(metrics[1].samples[0], 95.0);
  metrics = ExtractMetrics(bench, "bench.json");
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_FALSE(metrics[0].lower_is_better);
  EXPECT_ERROR_CONTAINS(ExtractMetrics(nlohmann::json{{"x", 1}}, "a.json"), "a.json: not a livecheck run or bench report");
  EXPECT_ERROR_CONTAINS(ExtractMetrics(nlohmann::json{{"schema", "livecheck-report/1"}}, "b.json"),
                        "b.json: malformed run report");
}

TEST(BenchReportTest, FiguresHaveMediansAndRatiosToOverlay) {
  std::vector<RunResult> results;
  for (auto [backend, value] : std::vector<std::pair<std::string, double>>{
           {"overlay", 100}, {"unionfs-fuse", 20}, {"overlay", 110}, {"unionfs-fuse", 25}, {"overlay", 90}, {"unionfs-fuse", 30}}) {
    RunResult r{.variant = "bench-xz", .status = Status::kPass, .boot_options = "live.union=" + backend + " live.toram=0",
                .kernel_entry = "pvh"};
    r.workloads.push_back({{"workload", "small-files"}, {"value", value}, {"unit", "files/s"}, {"better", "higher"}});
    r.phases.push_back({"agent-ready", 5.0, 8.0});
    results.push_back(r);
  }
  auto figures = CollectFigures(results);
  const BenchFigure* fuse = nullptr;
  for (const auto& f : figures)
    if (f.backend == "unionfs-fuse" && f.metric == "small-files") fuse = &f;
  ASSERT_NE(fuse, nullptr);
  EXPECT_DOUBLE_EQ(fuse->median, 25);
  EXPECT_DOUBLE_EQ(fuse->min, 20);
  EXPECT_DOUBLE_EQ(fuse->max, 30);
  EXPECT_DOUBLE_EQ(fuse->ratio_to_overlay, 0.25);
  // Boot figures say how the kernel was entered; workload figures need not.
  for (const auto& f : figures) EXPECT_EQ(f.kernel_entry, f.metric == "boot" ? "pvh" : "") << f.metric;
  EXPECT_EQ(BenchBackendLabel("live.union=overlay live.toram=1"), "overlay+toram");
}

}  // namespace
}  // namespace livecheck
