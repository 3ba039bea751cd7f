#pragma once
// A `wait_console` step's search of the console log: from where the last
// match ended, line by line, each line cleaned of escape sequences before
// the user's pattern sees it. Pure, so the bounds are tested without a VM.
#include <optional>
#include <string>
#include <string_view>

#include "common/guest_pattern.h"

namespace livecheck {

struct ConsoleScan {
  std::optional<std::string> line;  ///< the first matching line, cleaned (at most 4 KiB)
  /// Raw bytes the search never needs again: through the matching line, or
  /// every complete line when none matched (a prompt without its newline
  /// yet is searched again next time).
  size_t consumed = 0;
};

/// Searches `raw`, console bytes read from the cursor. `chunk_full`: the
/// read stopped at its limit, so a chunk without any newline is one huge
/// line and is skipped rather than waited on forever.
ConsoleScan ScanConsole(std::string_view raw, const GuestPattern& pattern, bool chunk_full);

}  // namespace livecheck
