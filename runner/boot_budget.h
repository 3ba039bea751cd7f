#pragma once
// A scenario's boot-time budget, written in seconds or as a multiple of the
// host reference, and what it becomes on the host a run is on.
#include <optional>
#include <string>

#include "evidence/boot_timing_check.h"
#include "machine/host_reference.h"

namespace livecheck {

struct BootBudget {
  double value = 0;       ///< 0: no budget
  bool relative = false;  ///< value times the host reference ("3x"), else seconds
  std::string Text() const;  ///< "3x" or "15 s"; "" without a budget
};

/// "3x", "2.5x" (a multiple of the host reference, above 0 and at most 1000).
std::optional<BootBudget> ParseRelativeBudget(const std::string& text);

/// The budget in seconds on this host. `host_clock`: the phase is timed in
/// host seconds since QEMU started (media without markers), so the host
/// figure of the reference applies; else guest uptime and the guest figure.
ResolvedBudget ResolveBootBudget(const BootBudget& budget, const HostReference& reference, bool host_clock);

}  // namespace livecheck
