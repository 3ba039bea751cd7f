// Reading a root shell on a serial console, where command output shares the
// line with the shell's echo, terminal escapes and kernel messages. Pure
// functions over text, so the parsing is tested (and fuzzed) without a VM.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace livecheck {

/// Console bytes as text: drops '\r', ANSI escape sequences (CSI, OSC) and
/// other control bytes except '\n' and '\t'.
std::string CleanConsoleText(std::string_view raw);

/// Whether a line is a kernel message (printk's "[  12.345678] " prefix).
bool IsKernelLogLine(std::string_view line);

/// The line typed into the shell to run `command` between two markers that
/// carry `token`. The markers are printed by printf from pieces, so the
/// shell's echo of the typed line never contains them whole.
std::string MarkedCommandLine(const std::string& command, const std::string& token);

struct ShellOutput {
  int exit_status = -1;
  std::string output;  ///< between the markers, kernel message lines removed
};

/// The command's output and exit status once the end marker has arrived in
/// `cleaned` (text from CleanConsoleText); nullopt before that.
std::optional<ShellOutput> ExtractMarkedOutput(std::string_view cleaned, const std::string& token);

/// Whether the last (unfinished) line of `cleaned` ends with a shell prompt
/// matching `prompt_regex` (ECMAScript syntax, matched against that line).
bool EndsWithPrompt(std::string_view cleaned, const std::string& prompt_regex);

}  // namespace livecheck
