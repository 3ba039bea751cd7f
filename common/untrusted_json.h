// Parsing JSON that came from outside livecheck (the guest agent, QEMU's QMP
// socket, a hostile test peer). nlohmann::json parses, copies and destroys
// recursively, so a line of 30,000 '[' overflows the stack; nesting is
// bounded before the parser sees the text.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace livecheck {

// Deeper than anything QMP or the agent protocol sends (QMP's deepest
// answers, query-blockstats with backing chains, nest about a dozen levels).
inline constexpr size_t kMaxUntrustedJsonDepth = 64;

// The nesting depth of arrays and objects in `text`, ignoring brackets inside
// strings. Stops counting once `limit` is exceeded.
size_t JsonNestingDepth(std::string_view text, size_t limit);

// A discarded value (is_discarded()) for malformed or too deeply nested text;
// never throws.
nlohmann::json ParseUntrustedJson(std::string_view text, size_t max_depth = kMaxUntrustedJsonDepth);

}  // namespace livecheck
