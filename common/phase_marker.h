#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace livecheck {

/// One "@@livecheck phase=NAME t=UPTIME [key=value ...]" line from the guest.
struct PhaseMarker {
  std::string phase;
  double guest_uptime = 0;
  std::string detail;  ///< the rest of the line after t=
};

/// Parses one console line. Guest output is untrusted: anything that is not
/// exactly a marker (a kernel message spliced into it, a truncated line)
/// yields nullopt rather than a wrong phase.
std::optional<PhaseMarker> ParsePhaseMarker(std::string_view line);

/// Every marker in a console log, in order.
std::vector<PhaseMarker> ParsePhaseMarkers(std::string_view log);

}  // namespace livecheck
