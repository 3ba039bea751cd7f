#pragma once
// A scenario's `wait_console` step judged: did the console show a line the
// user's pattern matches (a login prompt, a service's banner) in time? A
// pure function of the evidence, so `livecheck verify` decides it again.
#include <string>

#include <nlohmann/json.hpp>

#include "evidence/check_result.h"

namespace livecheck {

/// "console: PATTERN" (its first 80 characters): each step its own line in JUnit.
std::string ConsolePatternCheckName(const std::string& pattern);
bool IsConsolePatternCheckName(const std::string& name);

/// What the wait saw. `line` is the first matching console line ("" if
/// none), `host_seconds` when it showed (from QEMU start), `stopped` why the
/// guest could not go on ("" if it could), `last_line` the console's last
/// line when the wait ended.
struct ConsoleWaitSeen {
  std::string line;
  double host_seconds = 0;
  std::string stopped;
  std::string last_line;
};

nlohmann::json ConsolePatternEvidence(const std::string& pattern, double timeout_seconds, const ConsoleWaitSeen& seen);

/// PASS when the evidence holds a line the pattern matches (matched again
/// here, as guest_pattern.h matches); FAIL when the wait ended without one.
CheckResult CheckConsolePattern(const nlohmann::json& evidence);

}  // namespace livecheck
