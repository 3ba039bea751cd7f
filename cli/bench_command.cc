// `livecheck bench`: one image per compressor, booted with each union
// backend (live.union=), the same workloads timed inside each guest, N fresh
// VMs per combination in alternating order; bench.json, bench.html, a table.
#include <chrono>
#include <ctime>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "builder/guest_kernel.h"
#include "builder/image_builder.h"
#include "builder/manifest.h"
#include "cli/commands.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "machine/accel_probe.h"
#include "machine/host_reference.h"
#include "runner/bench_plan.h"
#include "machine/qemu_process.h"
#include "runner/run_scheduler.h"
#include "reports/bench_report.h"
#include "reports/compare.h"
#include "reports/flaky_counts.h"
#include "reports/json_report.h"
#include "reports/phase_statistics.h"

namespace livecheck {
namespace {

template <typename T, typename Parse>
std::vector<T> ParseList(const std::string& text, Parse parse, const std::string& flag) {
  std::vector<T> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    auto item = text.substr(pos, end - pos);
    auto value = parse(item);
    if (!value) throw Error(fmt::format("{} {}: unknown value '{}'", flag, text, item));
    out.push_back(*value);
    pos = end + 1;
  }
  return out;
}

bool Installed(const std::string& path) { return fs::exists(path); }

double StageSeconds(const fs::path& images, const BuildManifest& m) {
  auto file = images / ".cache" / (m.squashfs_stage + ".json");
  std::error_code ec;
  if (m.squashfs_stage.empty() || !fs::exists(file, ec)) return 0;
  return nlohmann::json::parse(ReadFile(file), nullptr, false).value("build_seconds", 0.0);
}

}  // namespace

int RunBenchCommand(const BenchArgs& args) {
  auto started = std::chrono::steady_clock::now();
  // 1. What to compare, and what this kernel and host can provide.
  BenchConfig config{.backends = ParseList<UnionBackend>(args.backends, ParseUnionBackend, "--backends"),
                     .compressors = ParseList<Compressor>(args.compressors, ParseCompressor, "--compressors"),
                     .workloads = args.workloads.empty()
                                      ? DefaultWorkloads()
                                      : ParseList<std::string>(args.workloads,
                                                               [](const std::string& w) -> std::optional<std::string> {
                                                                 for (const auto& d : DefaultWorkloads())
                                                                   if (d == w) return w;
                                                                 return std::nullopt;
                                                               },
                                                               "--workloads"),
                     .repeat = args.repeat,
                     .toram = !args.no_toram};
  auto kernel = FindGuestKernel(std::nullopt, std::nullopt);
  auto index = LoadModuleIndex(kernel.modules_dir);
  std::vector<UnavailableBackend> unavailable;
  auto available = AvailableBackends(config.backends, index, Installed, unavailable);
  for (const auto& u : unavailable) std::cout << fmt::format("backend {}: unavailable: {}\n", u.backend, u.reason);
  if (available.empty()) throw Error("none of the requested backends is available here");

  // 2. One image per compressor carrying every available backend.
  auto variants = BenchVariants(config, available);
  BuildConfig build_config;
  BuildImages(build_config, variants, {.out_dir = args.images, .jobs = 2});
  std::map<std::string, BuildManifest> manifests;
  for (const auto& v : variants) {
    auto m = ReadManifest(fs::path(args.images) / v.name / "manifest.json");
    if (!m) throw Error(fmt::format("{}: no manifest after building", v.name));
    manifests[v.name] = *m;
  }

  // 3. Every boot, in alternating order, one VM at a time by default (clean figures).
  auto scenario = BenchScenario(config.workloads);
  std::vector<RunRequest> requests;
  for (const auto& run : PlanBenchRuns(config, available))
    requests.push_back({scenario, manifests[run.variant], fs::path(args.images) / run.variant, run.repetition,
                        run.KernelArguments(), run.toram ? run.backend + "-toram" : run.backend});
  auto accel = ChooseAccel(args.accel, fs::path(args.images) / variants[0].name / "vmlinuz",
                           fs::path(args.images) / variants[0].name / "initrd.img", HostCacheDir(fs::path(args.images) / ".cache"));
  std::cout << fmt::format("bench: {} boots ({} compressors x {} backends{} x {} repetitions), accel {}\n",
                           requests.size(), config.compressors.size(), available.size(), config.toram ? " + toram" : "",
                           config.repeat, accel.accel);
  auto reference = MeasureHostReference(accel.accel, ReferenceKernel(), ReferenceCacheDir(fs::path(args.images) / ".cache"),
                                        std::min<int>(args.jobs, static_cast<int>(requests.size())));
  RunOptions options{.accel = accel.accel, .timeout_scale = TimeoutScaleFor(reference) * TimeoutScale(),
                     .reference = reference, .report_dir = args.report_dir};
  fs::create_directories(args.report_dir);
  DirectoryClaim claim(args.report_dir, "--report-dir");
  auto outcome = RunAll(requests, options, {.jobs = args.jobs, .progress = [](const std::string& line) {
                                              std::cout << line << std::endl;
                                            }});

  // 4. Figures, per compressor summaries, reports.
  BenchReport report{.accel = accel.accel, .host_reference = ToJson(reference), .repeat = config.repeat,
                     .bench_data_mb = config.bench_data_mb};
  std::time_t now = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  report.started_at = when;
  report.host = {{"cpus", std::thread::hardware_concurrency()}};
  for (auto b : config.backends) report.backends.emplace_back(Name(b));
  for (auto c : config.compressors) report.compressors.emplace_back(Name(c));
  report.workloads = config.workloads;
  for (const auto& u : unavailable) report.unavailable.push_back({u.backend, u.reason});
  for (const auto& r : outcome.results)
    if (r.status == Status::kError)
      report.errors.push_back({fmt::format("{} {} r{}", r.variant, r.boot_options, r.repetition), r.error});
  report.figures = CollectFigures(outcome.results);
  for (const auto& v : variants) {
    const auto& m = manifests[v.name];
    CompressorFigure c{.compressor = m.compressor, .mksquashfs_seconds = StageSeconds(args.images, m)};
    if (const auto* a = FindArtifact(m, "squashfs")) c.squashfs_bytes = a->size;
    std::string first = std::string(Name(available.front()));
    for (const auto& f : report.figures) {
      if (f.compressor != m.compressor) continue;
      if (f.backend == first && f.metric == "boot") c.boot_seconds = f.median;
      if (f.backend == first && f.metric == "cold-read") c.cold_read_mbps = f.median;
      if (f.backend == first + "+toram" && f.metric == "toram-copy") {
        c.toram_copy_seconds = f.median;
        c.toram_mbps = f.median > 0 ? static_cast<double>(c.squashfs_bytes) / (1 << 20) / f.median : 0;
      }
    }
    report.compressor_figures.push_back(c);
  }
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  WriteFileAtomic(fs::path(args.report_dir) / "bench.json", BenchToJson(report).dump(2) + "\n");
  WriteFileAtomic(fs::path(args.report_dir) / "bench.html", BenchHtml(report));
  std::cout << "\n" << BenchTable(report);
  std::cout << fmt::format("bench took {0:.0f} s; reports: {1}/bench.json {1}/bench.html\n", report.wall_seconds,
                           args.report_dir);
  if (outcome.interrupted) return kExitInterrupted;
  return report.errors.empty() ? kExitOk : kExitCheckFailed;
}

int RunCompareCommand(const std::string& baseline, const std::string& current, double threshold, bool raw) {
  auto load = [](const std::string& file) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) throw Error(fmt::format("{}: no such report", file));
    auto json = nlohmann::json::parse(ReadFile(file), nullptr, false);
    if (json.is_discarded()) throw Error(fmt::format("{}: not JSON", file));
    return json;
  };
  auto base = load(baseline), cur = load(current);
  auto base_metrics = ExtractMetrics(base, baseline);
  auto cur_metrics = ExtractMetrics(cur, current);
  if (ReportKind(base) != ReportKind(cur))
    throw Error(fmt::format("{} is a {} report but {} is a {} report: compare like with like", baseline,
                            ReportKind(base), current, ReportKind(cur)));
  auto normalisation = NormaliseByReferences(base, cur, !raw);
  std::cout << normalisation.note << "\n";
  auto rows = CompareMetrics(ApplyNormalisation(base_metrics, normalisation), cur_metrics, threshold);
  if (rows.empty()) throw Error(fmt::format("{} and {} have no figure in common", baseline, current));
  std::cout << ComparisonTable(rows);
  int regressions = 0;
  for (const auto& r : rows) regressions += r.regression;
  std::cout << fmt::format("{} figure(s) compared, {} regression(s) (threshold {:.1f}%, beyond the repetitions' range)\n",
                           rows.size(), regressions, threshold);
  // Shown, not gated: a rising flake rate is the runner's, not the image's.
  if (ReportKind(cur) == "run")
    std::cout << "flaky infrastructure per variant (baseline -> current):\n"
              << FlakyComparison(CountFlaky(ReportFromJson(base, baseline).results),
                                 CountFlaky(ReportFromJson(cur, current).results));
  return regressions == 0 ? kExitOk : kExitCheckFailed;
}

}  // namespace livecheck
