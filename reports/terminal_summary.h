#pragma once
#include <string>

#include "runner/run_result.h"

namespace livecheck {

/// One line on the host reference and the timeout scale, for every report format.
std::string ReferenceLine(const RunReport& report);

/// The table printed at the end of `livecheck run`: one row per run, one column per check.
std::string TerminalSummary(const RunReport& report);

}  // namespace livecheck
