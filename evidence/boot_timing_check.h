#pragma once
// boot-timing: every phase of the boot reported in order, within a budget.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/check_result.h"

namespace livecheck {

/// A boot budget in seconds on the host a run is on, with what it was made
/// of (runner/boot_budget.h turns "3x" into one by the host reference).
struct ResolvedBudget {
  double seconds = 0;   ///< 0: no budget
  std::string basis;    ///< "3x the host reference of 1.85 s", "15 s as written"
  std::string error;    ///< a relative budget without a reference: why
  nlohmann::json ToJson() const;
  static ResolvedBudget FromJson(const nlohmann::json& j);  ///< untrusted: missing fields stay empty
};

/// boot-timing: every expected phase reported, in order, and (when the
/// budget has seconds) root-ready reached within the budget of guest time,
/// or, without root-ready among `expected` (images without markers), the
/// last expected phase within the budget of host time. A budget that could
/// not be resolved (a relative one without a host reference) is an ERROR.
CheckResult CheckBootTiming(const std::vector<PhaseTiming>& phases, const std::vector<std::string>& expected,
                            const ResolvedBudget& budget);

/// Whether boot-timing judges these phases in host time (no root-ready marker).
bool BootTimedInHostClock(const std::vector<std::string>& expected);

}  // namespace livecheck
