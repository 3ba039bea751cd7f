#include "runner/console_scan.h"

#include <algorithm>

#include "channels/shell_transcript.h"
#include "common/guest_pattern.h"

namespace livecheck {
namespace {

// A raw line is cut before cleaning: escape sequences may make it longer
// than the cleaned line, never the reverse.
constexpr size_t kMaxRawConsoleLine = 4 * kMaxMatchedLine;

std::string CleanLine(std::string_view raw) {
  std::string line = CleanConsoleText(raw.substr(0, std::min(raw.size(), kMaxRawConsoleLine)));
  if (line.size() > kMaxMatchedLine) line.resize(kMaxMatchedLine);
  return line;
}

}  // namespace

ConsoleScan ScanConsole(std::string_view raw, const GuestPattern& pattern, bool chunk_full) {
  ConsoleScan scan;
  size_t start = 0;
  while (start < raw.size()) {
    size_t newline = raw.find('\n', start);
    size_t end = newline == std::string_view::npos ? raw.size() : newline;
    std::string line = CleanLine(raw.substr(start, end - start));
    if (pattern.Found(line)) {
      scan.line = std::move(line);
      scan.consumed = newline == std::string_view::npos ? raw.size() : newline + 1;
      return scan;
    }
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  scan.consumed = start;
  if (chunk_full && scan.consumed == 0) scan.consumed = raw.size();
  return scan;
}

}  // namespace livecheck
