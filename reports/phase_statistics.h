#pragma once
#include <string>
#include <vector>

#include "harness/run_result.h"

namespace livecheck {

/// min / median / max of one phase of one variant over its repetitions.
struct PhaseStatistics {
  std::string variant;
  std::string phase;
  int samples = 0;
  double min = 0, median = 0, max = 0;  ///< guest uptime in seconds, or host seconds when host_clock
  bool host_clock = false;  ///< the guest gave no time (media without markers): seconds since QEMU started
};

double Median(std::vector<double> values);

/// Per variant and phase, in first-seen order, over every result.
std::vector<PhaseStatistics> SummarizePhases(const std::vector<RunResult>& results);

}  // namespace livecheck
