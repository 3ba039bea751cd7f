#pragma once
#include <functional>
#include <string>
#include <vector>

#include "runner/scenario_runner.h"

namespace livecheck {

struct ScheduleOptions {
  int jobs = 1;  ///< VMs at once
  /// How many more times a run that ended in an infrastructure ERROR is
  /// run (--retry-errors); FAILs and the image's ERRORs never are.
  int retry_errors = 0;
  /// One progress line at a time ("[2/16] guarantees/usb-bios#1: PASS 14.2 s").
  std::function<void(const std::string&)> progress;
  std::function<void(const std::string& run_id)> on_start, on_finish;  ///< for a live status display
};

struct ScheduleOutcome {
  std::vector<RunResult> results;  ///< in request order, one per request
  bool interrupted = false;
};

/// Runs every request, up to `jobs` at once, on one io_context, the longest
/// expected first (runner/start_order.h); results stay in request order. Once the
/// process is interrupted (common/interrupt.h: every VM is killed at once),
/// running scenarios end as ERROR ("interrupted") and requests not started
/// yet are reported as not run.
ScheduleOutcome RunAll(const std::vector<RunRequest>& requests, const RunOptions& options,
                       const ScheduleOptions& schedule);

}  // namespace livecheck
