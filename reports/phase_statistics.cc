#include "reports/phase_statistics.h"

#include <algorithm>
#include <map>

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
  for (const auto& r : results)
    for (const auto& p : r.phases) {
      double value = p.guest_seconds >= 0 ? p.guest_seconds : p.host_seconds;
      if (value < 0) continue;
      auto key = std::make_pair(r.variant, p.phase);
      if (samples.count(key) == 0) order.push_back(key);
      samples[key].push_back(value);
    }
  std::vector<PhaseStatistics> stats;
  for (const auto& key : order) {
    const auto& v = samples[key];
    stats.push_back({key.first, key.second, static_cast<int>(v.size()), *std::min_element(v.begin(), v.end()),
                     Median(v), *std::max_element(v.begin(), v.end())});
  }
  return stats;
}

}  // namespace livecheck
