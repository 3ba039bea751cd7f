#include "reports/flaky_counts.h"

#include <algorithm>

#include <fmt/format.h>

namespace livecheck {

std::vector<FlakyCount> CountFlaky(const std::vector<RunResult>& results) {
  std::vector<FlakyCount> rows;
  for (const auto& r : results) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const FlakyCount& c) { return c.variant == r.variant; });
    if (it == rows.end()) it = rows.insert(rows.end(), FlakyCount{.variant = r.variant});
    ++it->runs;
    it->flaky += r.flaky;
    it->infrastructure_errors += r.status == Status::kError && r.error_cause == ErrorCause::kInfrastructure;
    it->attempts += std::max<int>(1, static_cast<int>(r.attempts.size()));
  }
  return rows;
}

std::string FlakyLine(const FlakyCount& count) {
  std::string line = fmt::format("{} of {} runs flaky ({} attempts)", count.flaky, count.runs, count.attempts);
  if (count.infrastructure_errors > 0)
    line += fmt::format(", {} still an infrastructure ERROR", count.infrastructure_errors);
  return line;
}

std::string FlakyComparison(const std::vector<FlakyCount>& baseline, const std::vector<FlakyCount>& current) {
  std::vector<std::string> variants;
  for (const auto* side : {&baseline, &current})
    for (const auto& c : *side)
      if (std::find(variants.begin(), variants.end(), c.variant) == variants.end()) variants.push_back(c.variant);
  auto find = [](const std::vector<FlakyCount>& side, const std::string& variant) {
    auto it = std::find_if(side.begin(), side.end(), [&](const FlakyCount& c) { return c.variant == variant; });
    return it == side.end() ? std::string("not run") : FlakyLine(*it);
  };
  std::string out;
  for (const auto& v : variants) out += fmt::format("  {}: {} -> {}\n", v, find(baseline, v), find(current, v));
  return out;
}

}  // namespace livecheck
