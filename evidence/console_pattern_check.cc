#include "evidence/console_pattern_check.h"

#include <optional>
#include <regex>

#include <fmt/format.h>

#include "common/json_fields.h"
#include "common/guest_pattern.h"
#include "evidence/check_names.h"

namespace livecheck {

std::string ConsolePatternCheckName(const std::string& pattern) { return StepCheckName("console", pattern); }

bool IsConsolePatternCheckName(const std::string& name) { return name.rfind("console: ", 0) == 0; }

nlohmann::json ConsolePatternEvidence(const std::string& pattern, double timeout_seconds, const ConsoleWaitSeen& seen) {
  nlohmann::json e = {{"pattern", pattern}, {"timeout_seconds", timeout_seconds}, {"seen", !seen.line.empty()}};
  if (!seen.line.empty()) {
    e["line"] = seen.line;
    e["host_seconds"] = seen.host_seconds;
  }
  if (!seen.stopped.empty()) e["stopped"] = seen.stopped;
  e["last_line"] = seen.last_line;
  return e;
}

CheckResult CheckConsolePattern(const nlohmann::json& e) {
  std::string pattern = StringField(e, "pattern");
  std::string name = ConsolePatternCheckName(pattern);
  std::optional<GuestPattern> re;
  try {
    re.emplace(pattern);
  } catch (const std::regex_error&) {
    return {name, Status::kError, fmt::format("/{}/ is not a regular expression livecheck accepts", pattern), e};
  }
  std::string line = StringField(e, "line");
  if (!line.empty() && FirstMatchingLine(line, *re))
    return Verdict(name, true,
                   fmt::format("seen by {:.1f} s after QEMU start: {}", NumberField(e, "host_seconds", 0), LastLineForSummary(line)),
                   e);
  if (auto stopped = StringField(e, "stopped"); !stopped.empty())
    return Verdict(name, false, fmt::format("no console line matched /{}/: {}", pattern, stopped), e);
  return Verdict(name, false,
                 fmt::format("no console line matched /{}/ within {:g} s; last line: {}", pattern,
                             NumberField(e, "timeout_seconds", 0), LastLineForSummary(StringField(e, "last_line"))),
                 e);
}

}  // namespace livecheck
