#pragma once
#include <string>

#include "harness/run_result.h"

namespace livecheck {

/// The table printed at the end of `livecheck run`: one row per run, one column per check.
std::string TerminalSummary(const RunReport& report);

}  // namespace livecheck
