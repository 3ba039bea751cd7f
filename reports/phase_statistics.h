#pragma once
#include <string>
#include <vector>

#include "common/statistics.h"
#include "runner/run_result.h"

namespace livecheck {

/// min / median / max of one phase of one variant over its repetitions.
struct PhaseStatistics {
  std::string variant;
  std::string phase;
  int samples = 0;
  double min = 0, median = 0, max = 0;  ///< guest uptime in seconds, or host seconds when host_clock
  bool host_clock = false;  ///< the guest gave no time (media without markers): seconds since QEMU started
  /// Median seconds since QEMU started: kernel start + guest uptime for
  /// phases the guest timed, host time otherwise.
  double since_start = 0;
};

/// The phase, first for each variant whose guest timed its phases, that
/// marks when the kernel's clock started: what firmware, bootloader and the
/// kernel's own decompression took (host seconds since QEMU started).
inline constexpr const char* kKernelStartPhase = "kernel-start";

/// When the guest's clock started, in host seconds since QEMU started: the
/// smallest (host - guest) over the run's guest-timed phases (the serial
/// line only ever adds delay). -1 when the guest timed nothing.
double KernelStartSeconds(const RunResult& result);

/// Per variant and phase, in first-seen order, over every result; each
/// variant's kernel-start comes first.
std::vector<PhaseStatistics> SummarizePhases(const std::vector<RunResult>& results);

}  // namespace livecheck
