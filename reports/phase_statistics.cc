#include "reports/phase_statistics.h"

#include <algorithm>
#include <map>
#include <set>

namespace livecheck {

double KernelStartSeconds(const RunResult& result) {
  double start = -1;
  for (const auto& p : result.phases) {
    if (p.guest_seconds < 0 || p.host_seconds < 0) continue;
    double at = std::max(0.0, p.host_seconds - p.guest_seconds);
    if (start < 0 || at < start) start = at;
  }
  return start;
}

std::vector<PhaseStatistics> SummarizePhases(const std::vector<RunResult>& results) {
  using Key = std::pair<std::string, std::string>;
  std::vector<Key> order;
  std::map<Key, std::vector<double>> samples, since_start;
  std::set<Key> host_clock;
  auto add = [&](const Key& key, double value, double since, bool host) {
    if (samples.count(key) == 0) order.push_back(key);
    samples[key].push_back(value);
    since_start[key].push_back(since);
    if (host) host_clock.insert(key);
  };
  for (const auto& r : results) {
    double kernel_start = KernelStartSeconds(r);
    if (kernel_start >= 0) add({r.variant, kKernelStartPhase}, kernel_start, kernel_start, true);
    for (const auto& p : r.phases) {
      double value = p.seconds();
      if (value < 0) continue;
      double since = p.host_clock() || kernel_start < 0 ? p.host_seconds : kernel_start + p.guest_seconds;
      add({r.variant, p.phase}, value, since, p.host_clock());
    }
  }
  // First-seen order, except that a variant's kernel-start leads its phases.
  std::map<std::string, size_t> variant_rank;
  for (const auto& key : order) variant_rank.emplace(key.first, variant_rank.size());
  std::stable_sort(order.begin(), order.end(), [&](const Key& a, const Key& b) {
    if (a.first != b.first) return variant_rank[a.first] < variant_rank[b.first];
    return a.second == kKernelStartPhase && b.second != kKernelStartPhase;
  });
  std::vector<PhaseStatistics> stats;
  for (const auto& key : order) {
    const auto& v = samples[key];
    stats.push_back({key.first, key.second, static_cast<int>(v.size()), *std::min_element(v.begin(), v.end()),
                     Median(v), *std::max_element(v.begin(), v.end()), host_clock.count(key) > 0,
                     Median(since_start[key])});
  }
  return stats;
}

}  // namespace livecheck
