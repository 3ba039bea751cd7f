#include "evidence/command_check.h"

#include <optional>
#include <regex>

#include <fmt/format.h>

#include "common/json_fields.h"
#include "common/guest_pattern.h"
#include "evidence/check_names.h"

namespace livecheck {

std::string CommandCheckName(const std::string& command) { return StepCheckName("run", command); }

bool IsCommandCheckName(const std::string& name) { return name.rfind("run: ", 0) == 0; }

nlohmann::json CommandEvidence(const std::string& command, int expect_exit, const std::string& expect_output,
                               double timeout_seconds, const nlohmann::json& answer) {
  return {{"command", command},
          {"expect_exit", expect_exit},
          {"expect_output", expect_output},
          {"timeout_seconds", timeout_seconds},
          {"answer", answer.is_object() ? answer : nlohmann::json::object()}};
}

CheckResult CheckCommandResult(const nlohmann::json& e) {
  std::string name = CommandCheckName(StringField(e, "command"));
  auto answer = ObjectField(e, "answer");
  if (auto error = StringField(answer, "error"); !error.empty())
    return {name, Status::kError, fmt::format("the command could not be run ({})", error), e};
  if (BoolField(answer, "timed_out", false))
    return Verdict(name, false,
                   fmt::format("did not finish within {:g} s (killed); last output: {}",
                               NumberField(e, "timeout_seconds", 0), LastLineForSummary(StringField(answer, "output"))),
                   e);
  int64_t status = IntField(answer, "exit_status", -1), expected = IntField(e, "expect_exit", 0);
  std::string output = StringField(answer, "output");
  if (status != expected)
    return Verdict(name, false, fmt::format("exit status {} (expected {}); last output: {}", status, expected, LastLineForSummary(output)),
                   e);
  std::string pattern = StringField(e, "expect_output");
  if (pattern.empty()) return Verdict(name, true, fmt::format("exit status {}", status), e);
  std::optional<GuestPattern> re;
  try {
    re.emplace(pattern);
  } catch (const std::regex_error&) {
    return {name, Status::kError, fmt::format("expect_output /{}/ is not a regular expression", pattern), e};
  }
  if (!FirstMatchingLine(output, *re))
    return Verdict(name, false, fmt::format("exit status {}, but no line of its output matches /{}/; last output: {}",
                                            status, pattern, LastLineForSummary(output)),
                   e);
  return Verdict(name, true, fmt::format("exit status {}, output matches /{}/", status, pattern), e);
}

}  // namespace livecheck
