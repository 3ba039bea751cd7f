#include "evidence/command_check.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include <fmt/format.h>

#include "common/json_fields.h"

namespace livecheck {
namespace {

constexpr size_t kMaxNameCommand = 80, kMaxMatchedLine = 4096, kMaxSummaryOutput = 160;

// The output for a one-line summary: its last non-empty line, cut, with
// control bytes shown as '?'.
std::string OutputTail(const std::string& output) {
  std::string line;
  size_t end = output.find_last_not_of('\n');
  if (end != std::string::npos) {
    size_t start = output.rfind('\n', end);
    line = output.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
  }
  if (line.size() > kMaxSummaryOutput) {
    line.resize(kMaxSummaryOutput);
    line += "...";
  }
  for (auto& c : line)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return line;
}

bool AnyLineMatches(const std::string& output, const std::regex& pattern) {
  size_t start = 0;
  while (start <= output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    std::string line = output.substr(start, std::min(end - start, kMaxMatchedLine));
    if (std::regex_search(line, pattern)) return true;
    if (end == output.size()) break;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool IsAcceptablePattern(const std::string& pattern) {
  if (pattern.size() > 256) return false;
  // Repeats nest, and std::regex builds states for each: bound their product.
  double states = 1;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{' || (i > 0 && pattern[i - 1] == '\\')) continue;
    size_t j = i + 1;
    int64_t largest = 0, value = 0;
    while (j < pattern.size() && (std::isdigit(static_cast<unsigned char>(pattern[j])) || pattern[j] == ',')) {
      value = pattern[j] == ',' ? 0 : std::min<int64_t>(value * 10 + (pattern[j] - '0'), 1000000);
      largest = std::max(largest, value);
      ++j;
    }
    states *= static_cast<double>(std::max<int64_t>(largest, 1));
  }
  return states <= 10000;
}

std::string CommandCheckName(const std::string& command) {
  std::string shown = command.size() > kMaxNameCommand ? command.substr(0, kMaxNameCommand) + "..." : command;
  for (auto& c : shown)
    if (c == '\n' || c == '\t') c = ' ';
  return "run: " + shown;
}

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
                               e.value("timeout_seconds", 0.0), OutputTail(StringField(answer, "output"))),
                   e);
  int64_t status = IntField(answer, "exit_status", -1), expected = IntField(e, "expect_exit", 0);
  std::string output = StringField(answer, "output");
  if (status != expected)
    return Verdict(name, false, fmt::format("exit status {} (expected {}); last output: {}", status, expected, OutputTail(output)),
                   e);
  std::string pattern = StringField(e, "expect_output");
  if (pattern.empty()) return Verdict(name, true, fmt::format("exit status {}", status), e);
  std::regex re;
  try {
    if (!IsAcceptablePattern(pattern)) throw std::regex_error(std::regex_constants::error_complexity);
    // libstdc++'s polynomial (breadth-first) matcher: guest output cannot
    // make a backtracking pattern take exponential time.
    re = std::regex(pattern, std::regex::ECMAScript | std::regex_constants::__polynomial);
  } catch (const std::regex_error&) {
    return {name, Status::kError, fmt::format("expect_output /{}/ is not a regular expression", pattern), e};
  }
  if (!AnyLineMatches(output, re))
    return Verdict(name, false, fmt::format("exit status {}, but no line of its output matches /{}/; last output: {}",
                                            status, pattern, OutputTail(output)),
                   e);
  return Verdict(name, true, fmt::format("exit status {}, output matches /{}/", status, pattern), e);
}

}  // namespace livecheck
