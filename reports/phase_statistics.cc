#include "reports/phase_statistics.h"

#include <algorithm>
#include <map>
#include <set>

namespace livecheck {

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::vector<PhaseStatistics> SummarizePhases(const std::vector<RunResult>& results) {
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::vector<double>> samples;
  std::set<std::pair<std::string, std::string>> host_clock;
  for (const auto& r : results)
    for (const auto& p : r.phases) {
      double value = p.seconds();
      if (value < 0) continue;
      auto key = std::make_pair(r.variant, p.phase);
      if (samples.count(key) == 0) order.push_back(key);
      samples[key].push_back(value);
      if (p.host_clock()) host_clock.insert(key);
    }
  std::vector<PhaseStatistics> stats;
  for (const auto& key : order) {
    const auto& v = samples[key];
    stats.push_back({key.first, key.second, static_cast<int>(v.size()), *std::min_element(v.begin(), v.end()),
                     Median(v), *std::max_element(v.begin(), v.end()), host_clock.count(key) > 0});
  }
  return stats;
}

}  // namespace livecheck
