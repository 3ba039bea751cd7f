#include "reports/compare.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "common/error.h"
#include "common/json_fields.h"
#include "machine/host_reference.h"
#include "reports/phase_statistics.h"

namespace livecheck {

std::string ReportKind(const nlohmann::json& report) {
  if (!report.is_object() || !report.contains("schema") || !report["schema"].is_string()) return "";
  auto schema = report["schema"].get<std::string>();
  if (schema == "livecheck-report/1") return "run";
  if (schema == "livecheck-bench/1") return "bench";
  return "";
}

std::vector<Metric> ExtractMetrics(const nlohmann::json& report, const std::string& where) {
  auto kind = ReportKind(report);
  if (kind.empty()) throw Error(fmt::format("{}: not a livecheck run or bench report (no known \"schema\")", where));
  std::map<std::string, Metric> by_key;
  std::vector<std::string> order;
  auto add = [&](const std::string& key, const std::string& unit, bool lower, double value, bool host = false) {
    if (by_key.count(key) == 0) {
      order.push_back(key);
      by_key[key] = Metric{key, unit, lower, host, {}};
    }
    by_key[key].samples.push_back(value);
  };
  try {
    if (kind == "run") {
      for (const auto& r : report.at("results")) {
        if (r.at("status") == "ERROR") continue;
        for (const auto& p : r.at("phases")) {
          // Media without livecheck's markers have no guest clock: their
          // phases are gated on host time, named so they never mix.
          double guest = p.at("guest_seconds").get<double>(), host = p.at("host_seconds").get<double>();
          std::string key = r.at("variant").get<std::string>() + " " + p.at("phase").get<std::string>();
          if (guest >= 0) add(key, "s", true, guest);
          else if (host >= 0) add(key + " (host)", "s", true, host, true);
        }
      }
    } else {
      for (const auto& f : report.at("figures"))
        for (const auto& s : f.at("samples"))
          add(fmt::format("{} {} {}", f.at("compressor").get<std::string>(), f.at("backend").get<std::string>(),
                          f.at("metric").get<std::string>()),
              f.at("unit").get<std::string>(), f.at("better") == "lower", s.get<double>());
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: malformed {} report: {}", where, kind, e.what()));
  }
  std::vector<Metric> metrics;
  for (const auto& key : order) metrics.push_back(by_key[key]);
  return metrics;
}

Normalisation NormaliseByReferences(const nlohmann::json& baseline, const nlohmann::json& current, bool enabled) {
  if (!enabled) return {1, 1, "figures compared as measured (--raw)"};
  auto base = HostReferenceFromJson(ObjectField(baseline, "host_reference"));
  auto cur = HostReferenceFromJson(ObjectField(current, "host_reference"));
  if (!base.valid() || !cur.valid())
    return {1, 1,
            fmt::format("figures compared as measured: the {} report has no host reference",
                        !base.valid() ? "baseline" : "current")};
  Normalisation n{cur.guest_seconds / base.guest_seconds, cur.host_seconds / base.host_seconds, ""};
  n.note = fmt::format("host references: baseline {:.2f} s, current {:.2f} s (guest, kernel to /init); the baseline is "
                       "scaled by {:.2f} (host-clock figures by {:.2f}) before comparing",
                       base.guest_seconds, cur.guest_seconds, n.guest_factor, n.host_factor);
  return n;
}

std::vector<Metric> ApplyNormalisation(std::vector<Metric> baseline, const Normalisation& normalisation) {
  for (auto& m : baseline) {
    double factor = m.host_clock ? normalisation.host_factor : normalisation.guest_factor;
    for (auto& s : m.samples) s = m.lower_is_better ? s * factor : s / factor;
  }
  return baseline;
}

std::vector<Comparison> CompareMetrics(const std::vector<Metric>& baseline, const std::vector<Metric>& current,
                                       double threshold_percent) {
  std::vector<Comparison> rows;
  for (const auto& cur : current) {
    auto base = std::find_if(baseline.begin(), baseline.end(), [&](const Metric& m) { return m.key == cur.key; });
    if (base == baseline.end() || base->samples.empty() || cur.samples.empty()) continue;
    Comparison c{cur.key, cur.unit, Median(base->samples), Median(cur.samples)};
    if (c.baseline != 0) {
      double change = (c.current - c.baseline) / std::abs(c.baseline) * 100;
      c.worse_percent = cur.lower_is_better ? change : -change;
    }
    auto [bmin, bmax] = std::minmax_element(base->samples.begin(), base->samples.end());
    auto [cmin, cmax] = std::minmax_element(cur.samples.begin(), cur.samples.end());
    c.beyond_noise = cur.lower_is_better ? *cmin > *bmax : *cmax < *bmin;
    c.regression = c.worse_percent > threshold_percent && c.beyond_noise;
    rows.push_back(c);
  }
  return rows;
}

std::string ComparisonTable(const std::vector<Comparison>& rows) {
  std::string out = fmt::format("{:<44} {:>12} {:>12} {:>9}  {}\n", "figure", "baseline", "current", "change", "verdict");
  for (const auto& c : rows)
    out += fmt::format("{:<44} {:>12.3f} {:>12.3f} {:>8.1f}%  {}\n", c.key + " (" + c.unit + ")", c.baseline,
                       c.current, c.worse_percent,
                       c.regression ? "REGRESSION" : (c.worse_percent > 0 && !c.beyond_noise ? "noise" : "ok"));
  return out;
}

}  // namespace livecheck
