#include "reports/bench_report.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reports/html_report.h"
#include "reports/phase_statistics.h"

namespace livecheck {
namespace {

double PhaseSeconds(const RunResult& r, const std::string& phase) {
  for (const auto& p : r.phases)
    if (p.phase == phase) return p.guest_seconds;
  return -1;
}

std::string Compressor(const std::string& variant) {
  return variant.rfind("bench-", 0) == 0 ? variant.substr(6) : variant;
}

}  // namespace

std::string BenchBackendLabel(const std::string& boot_options) {
  std::string backend = "?";
  bool toram = false;
  size_t pos = 0;
  while (pos < boot_options.size()) {
    auto end = boot_options.find(' ', pos);
    if (end == std::string::npos) end = boot_options.size();
    auto word = boot_options.substr(pos, end - pos);
    if (word.rfind("live.union=", 0) == 0) backend = word.substr(11);
    if (word == "live.toram=1") toram = true;
    pos = end + 1;
  }
  return toram ? backend + "+toram" : backend;
}

std::vector<BenchFigure> CollectFigures(const std::vector<RunResult>& results) {
  std::map<std::tuple<std::string, std::string, std::string>, BenchFigure> by_key;
  std::vector<std::tuple<std::string, std::string, std::string>> order;
  auto add = [&](const std::string& compressor, const std::string& backend, const std::string& metric,
                 const std::string& unit, const std::string& better, double value) {
    auto key = std::make_tuple(compressor, backend, metric);
    if (by_key.count(key) == 0) {
      order.push_back(key);
      by_key[key] = BenchFigure{compressor, backend, metric, unit, better};
    }
    by_key[key].samples.push_back(value);
  };
  for (const auto& r : results) {
    if (r.status == Status::kError) continue;
    auto compressor = Compressor(r.variant);
    auto backend = BenchBackendLabel(r.boot_options);
    double ready = PhaseSeconds(r, "agent-ready");
    if (ready >= 0) {
      add(compressor, backend, "boot", "s", "lower", ready);
      auto& entry = by_key[std::make_tuple(compressor, backend, std::string("boot"))].kernel_entry;
      entry = entry.empty() || entry == r.kernel_entry ? r.kernel_entry : "mixed";
    }
    double copied = PhaseSeconds(r, "toram-done"), mounted = PhaseSeconds(r, "medium-mounted");
    if (copied >= 0 && mounted >= 0) add(compressor, backend, "toram-copy", "s", "lower", copied - mounted);
    for (const auto& w : r.workloads)
      if (w.is_object() && w.contains("value"))
        add(compressor, backend, w.value("workload", "?"), w.value("unit", ""), w.value("better", "higher"),
            w.value("value", 0.0));
  }
  std::vector<BenchFigure> figures;
  for (const auto& key : order) {
    auto f = by_key[key];
    f.median = Median(f.samples);
    f.min = *std::min_element(f.samples.begin(), f.samples.end());
    f.max = *std::max_element(f.samples.begin(), f.samples.end());
    figures.push_back(f);
  }
  for (auto& f : figures)
    for (const auto& base : figures)
      if (base.compressor == f.compressor && base.metric == f.metric && base.backend == "overlay" && base.median > 0)
        f.ratio_to_overlay = f.median / base.median;
  return figures;
}

nlohmann::json BenchToJson(const BenchReport& r) {
  auto figures = nlohmann::json::array();
  for (const auto& f : r.figures)
    figures.push_back({{"compressor", f.compressor}, {"backend", f.backend}, {"metric", f.metric}, {"unit", f.unit},
                       {"better", f.better}, {"samples", f.samples}, {"median", f.median}, {"min", f.min},
                       {"max", f.max}, {"ratio_to_overlay", f.ratio_to_overlay}, {"kernel_entry", f.kernel_entry}});
  auto compressors = nlohmann::json::array();
  for (const auto& c : r.compressor_figures)
    compressors.push_back({{"compressor", c.compressor}, {"squashfs_bytes", c.squashfs_bytes},
                           {"mksquashfs_seconds", c.mksquashfs_seconds}, {"boot_seconds_median", c.boot_seconds},
                           {"cold_read_mbps_median", c.cold_read_mbps}, {"toram_copy_seconds_median", c.toram_copy_seconds},
                           {"toram_mbps_median", c.toram_mbps}});
  auto unavailable = nlohmann::json::array();
  for (const auto& [backend, reason] : r.unavailable) unavailable.push_back({{"backend", backend}, {"reason", reason}});
  auto errors = nlohmann::json::array();
  for (const auto& [run, error] : r.errors) errors.push_back({{"run", run}, {"error", error}});
  return {{"schema", kBenchSchema}, {"started_at", r.started_at}, {"host", r.host}, {"accel", r.accel},
          {"host_reference", r.host_reference},
          {"repeat", r.repeat}, {"bench_data_mb", r.bench_data_mb}, {"backends", r.backends},
          {"compressors", r.compressors}, {"workloads", r.workloads}, {"unavailable", unavailable},
          {"figures", figures}, {"compressor_figures", compressors}, {"errors", errors},
          {"wall_seconds", r.wall_seconds}};
}

std::string BenchTable(const BenchReport& r) {
  std::string out = fmt::format("{:<8} {:<22} {:<12} {:>12} {:>12} {:>12} {:>9}  unit\n", "comp", "backend", "metric",
                                "median", "min", "max", "x overlay");
  for (const auto& f : r.figures)
    out += fmt::format("{:<8} {:<22} {:<12} {:>12.2f} {:>12.2f} {:>12.2f} {:>9}  {}\n", f.compressor, f.backend,
                       f.metric, f.median, f.min, f.max,
                       f.ratio_to_overlay > 0 ? fmt::format("{:.2f}", f.ratio_to_overlay) : "-", f.unit);
  for (const auto& [backend, reason] : r.unavailable)
    out += fmt::format("{:<8} {:<22} unavailable: {}\n", "*", backend, reason);
  out += fmt::format("\n{:<8} {:>14} {:>12} {:>10} {:>14} {:>12} {:>12}\n", "comp", "squashfs", "mksquashfs",
                     "boot s", "cold MB/s", "toram s", "toram MB/s");
  for (const auto& c : r.compressor_figures)
    out += fmt::format("{:<8} {:>14} {:>12.2f} {:>10.2f} {:>14.1f} {:>12.2f} {:>12.1f}\n", c.compressor,
                       c.squashfs_bytes, c.mksquashfs_seconds, c.boot_seconds, c.cold_read_mbps, c.toram_copy_seconds,
                       c.toram_mbps);
  for (const auto& [run, error] : r.errors) out += fmt::format("error in {}: {}\n", run, error);
  return out;
}

std::string BenchHtml(const BenchReport& r) {
  std::string body;
  // One chart per metric: bars of the median with a min-max whisker.
  std::vector<std::string> metrics;
  for (const auto& f : r.figures)
    if (std::find(metrics.begin(), metrics.end(), f.metric) == metrics.end()) metrics.push_back(f.metric);
  for (const auto& metric : metrics) {
    std::vector<const BenchFigure*> rows;
    double top = 0;
    for (const auto& f : r.figures)
      if (f.metric == metric) {
        rows.push_back(&f);
        top = std::max(top, f.max);
      }
    if (top <= 0) top = 1;
    const int label = 220, width = 520, row = 22;
    std::string svg = fmt::format("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\">\n",
                                  label + width + 120, static_cast<int>(rows.size()) * row + 10);
    std::string table = "<table><tr><th>compressor</th><th>backend</th><th>median</th><th>min</th><th>max</th>"
                        "<th>&times; overlay</th></tr>\n";
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& f = *rows[i];
      int y = static_cast<int>(i) * row + 4;
      double w = f.median / top * width, x0 = label + f.min / top * width, x1 = label + f.max / top * width;
      svg += fmt::format("<text x=\"0\" y=\"{}\" font-size=\"12\">{} / {}</text>"
                         "<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"14\" fill=\"#4e79a7\"/>"
                         "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\" stroke=\"#222\"/>"
                         "<text x=\"{}\" y=\"{}\" font-size=\"11\">{:.2f}</text>\n",
                         y + 12, HtmlEscape(f.compressor), HtmlEscape(f.backend), label, y, w, x0, x1, y + 7, y + 7,
                         label + width + 6, y + 12, f.median);
      table += fmt::format("<tr><td>{}</td><td>{}</td><td>{:.2f}</td><td>{:.2f}</td><td>{:.2f}</td><td>{}</td></tr>\n",
                           HtmlEscape(f.compressor), HtmlEscape(f.backend), f.median, f.min, f.max,
                           f.ratio_to_overlay > 0 ? fmt::format("{:.2f}", f.ratio_to_overlay) : "&ndash;");
    }
    body += fmt::format("<h2>{} ({}, {} is better)</h2>\n{}</svg>\n{}</table>\n", HtmlEscape(metric),
                        HtmlEscape(rows.front()->unit), HtmlEscape(rows.front()->better), svg, table);
  }
  std::string unavailable;
  for (const auto& [backend, reason] : r.unavailable)
    unavailable += fmt::format("<li><b>{}</b>: unavailable: {}</li>\n", HtmlEscape(backend), HtmlEscape(reason));
  std::string compressors = "<table><tr><th>compressor</th><th>squashfs bytes</th><th>mksquashfs s</th>"
                            "<th>boot s</th><th>cold read MB/s</th><th>toram s</th><th>toram MB/s</th></tr>\n";
  for (const auto& c : r.compressor_figures)
    compressors += fmt::format("<tr><td>{}</td><td>{}</td><td>{:.2f}</td><td>{:.2f}</td><td>{:.1f}</td><td>{:.2f}</td>"
                               "<td>{:.1f}</td></tr>\n",
                               HtmlEscape(c.compressor), c.squashfs_bytes, c.mksquashfs_seconds, c.boot_seconds,
                               c.cold_read_mbps, c.toram_copy_seconds, c.toram_mbps);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>livecheck bench</title>\n"
      "<style>body {{ font-family: system-ui, sans-serif; margin: 2em; }} table {{ border-collapse: collapse; "
      "margin-bottom: 1.5em; }} th, td {{ border: 1px solid #ccc; padding: 3px 8px; font-size: 13px; }}</style>\n"
      "</head>\n<body>\n<h1>livecheck bench</h1>\n<p>started {} &middot; accel {} &middot; {} repetitions &middot; "
      "medians with min&ndash;max whiskers</p>\n<h2>Compressors</h2>\n{}</table>\n<ul>{}</ul>\n{}</body>\n</html>\n",
      HtmlEscape(r.started_at), HtmlEscape(r.accel), r.repeat, compressors, unavailable, body);
}

}  // namespace livecheck
