#pragma once
// How often each variant's runs needed a retry for the infrastructure
// (--retry-errors): shown by the HTML report and by `livecheck compare`, so
// a rising flake rate is seen before it turns into a red build.
#include <string>
#include <vector>

#include "runner/run_result.h"

namespace livecheck {

struct FlakyCount {
  std::string variant;
  int runs = 0;                   ///< every scenario and repetition of the variant
  int flaky = 0;                  ///< passed (or failed) after an infrastructure ERROR
  int infrastructure_errors = 0;  ///< still an infrastructure ERROR after every attempt
  int attempts = 0;               ///< runs of QEMU, retries included
};

/// One row per variant, in the order variants first appear.
std::vector<FlakyCount> CountFlaky(const std::vector<RunResult>& results);

/// "1 of 3 runs flaky (4 attempts)" with the errors left, for one row.
std::string FlakyLine(const FlakyCount& count);

/// Baseline against current per variant, one line each ("usb-bios: 0 of 3
/// runs flaky -> 2 of 3 runs flaky (5 attempts)"); variants of either side.
std::string FlakyComparison(const std::vector<FlakyCount>& baseline, const std::vector<FlakyCount>& current);

}  // namespace livecheck
