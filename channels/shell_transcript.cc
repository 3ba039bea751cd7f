#include "channels/shell_transcript.h"

#include <charconv>
#include <regex>

#include <fmt/format.h>

#include "common/guest_pattern.h"

namespace livecheck {

std::string CleanConsoleText(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    auto c = static_cast<unsigned char>(raw[i]);
    if (c == 0x1b && i + 1 < raw.size() && raw[i + 1] == '[') {
      // CSI: parameters and intermediates, then one final byte in 0x40..0x7e.
      i += 2;
      while (i < raw.size() && !(raw[i] >= 0x40 && raw[i] <= 0x7e)) ++i;
      continue;
    }
    if (c == 0x1b && i + 1 < raw.size() && raw[i + 1] == ']') {
      // OSC: up to BEL or ESC '\'.
      i += 2;
      while (i < raw.size() && raw[i] != '\a' && !(raw[i] == 0x1b && i + 1 < raw.size() && raw[i + 1] == '\\')) ++i;
      if (i < raw.size() && raw[i] == 0x1b) ++i;
      continue;
    }
    if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) out.push_back(static_cast<char>(c));
  }
  return out;
}

bool IsKernelLogLine(std::string_view line) {
  if (line.size() < 4 || line[0] != '[') return false;
  size_t i = 1;
  while (i < line.size() && line[i] == ' ') ++i;
  size_t digits = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  if (i == digits || i >= line.size() || line[i] != '.') return false;
  size_t fraction = ++i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  return i > fraction && i < line.size() && line[i] == ']';
}

std::string MarkedCommandLine(const std::string& command, const std::string& token) {
  // One line: a second one would let the shell print its prompt in between.
  // "$?" right after the command: the status of the command, not of printf.
  return fmt::format("printf '\\n%s%s\\n' '@@LCB' '-{0}'; {1}; printf '\\n%s%s %d\\n' '@@LCE' '-{0}' \"$?\"",
                     token, command);
}

std::optional<ShellOutput> ExtractMarkedOutput(std::string_view cleaned, const std::string& token) {
  std::string begin = "\n@@LCB-" + token + "\n";
  std::string end = "\n@@LCE-" + token + " ";
  auto b = cleaned.find(begin);
  if (b == std::string_view::npos) return std::nullopt;
  auto e = cleaned.find(end, b + begin.size() - 1);
  if (e == std::string_view::npos) return std::nullopt;
  auto status_start = e + end.size();
  auto status_end = cleaned.find('\n', status_start);
  if (status_end == std::string_view::npos) return std::nullopt;  // the status is still arriving
  ShellOutput result;
  auto status = cleaned.substr(status_start, status_end - status_start);
  auto [ptr, ec] = std::from_chars(status.data(), status.data() + status.size(), result.exit_status);
  if (ec != std::errc() || ptr != status.data() + status.size()) result.exit_status = -1;
  auto body = cleaned.substr(b + begin.size(), e + 1 - (b + begin.size()));
  size_t start = 0;
  while (start < body.size()) {
    auto newline = body.find('\n', start);
    if (newline == std::string_view::npos) newline = body.size();
    auto line = body.substr(start, newline - start);
    if (!IsKernelLogLine(line)) {
      result.output.append(line);
      result.output.push_back('\n');
    }
    start = newline + 1;
  }
  // The end marker begins with its own newline: the command's last line
  // ended with one already, or had none (then it is not added).
  if (!result.output.empty() && result.output.size() >= 2 && result.output.ends_with("\n\n"))
    result.output.pop_back();
  else if (result.output == "\n")
    result.output.clear();
  return result;
}

bool EndsWithPrompt(std::string_view cleaned, const std::string& prompt_regex) {
  auto newline = cleaned.rfind('\n');
  std::string last(newline == std::string_view::npos ? cleaned : cleaned.substr(newline + 1));
  if (last.size() > 512) return false;
  try {
    // Breadth-first: the prompt pattern is the user's, the line the guest's.
    // The prompt pattern is the user's, the line the guest's.
    return GuestPattern(prompt_regex).Found(last);
  } catch (const std::regex_error&) {
    return false;
  }
}

}  // namespace livecheck
