#pragma once
// The regular expressions a user writes to judge guest output (a `run`
// step's expect_output, a `wait_console` step's pattern, --ready-pattern),
// compiled and matched so that untrusted output cannot exhaust time or
// memory.
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace livecheck {

/// Whether `pattern` is one livecheck compiles: at most 256 characters, its
/// repeat counts multiplying to at most 10000 (std::regex builds states
/// for each repeat).
bool IsAcceptablePattern(const std::string& pattern);

/// A user's ECMAScript pattern (no backreferences), searched for in one
/// line of guest output. std::regex_search restarts at every position, so
/// a hungry pattern costs the square of the line's length even breadth-
/// first; this matches `[\s\S]*(?:PATTERN)[\s\S]*` against the whole line
/// once, with libstdc++'s polynomial (breadth-first) matcher: linear in the
/// line for a given pattern.
class GuestPattern {
 public:
  /// Throws std::regex_error for a bad or oversized pattern.
  explicit GuestPattern(const std::string& pattern);
  bool Found(std::string_view line) const;

 private:
  std::regex anywhere_;
};

/// Each line is searched on its own, cut to its first this many bytes.
inline constexpr size_t kMaxMatchedLine = 4096;

struct LineMatch {
  size_t end = 0;    ///< offset just past the matching line (and its newline)
  std::string line;  ///< the line, cut to kMaxMatchedLine
};

/// The first line of `text` the pattern is found in. A last line without a
/// newline is searched too (a prompt).
std::optional<LineMatch> FirstMatchingLine(std::string_view text, const GuestPattern& pattern);

/// The last non-empty line of guest output for a one-line summary: cut to
/// 160 bytes, control bytes shown as '?'.
std::string LastLineForSummary(std::string_view output);

}  // namespace livecheck
