#pragma once
// The forensic no-trace checks' work in a run: plant the canary (its scan
// waits until the VM stopped), and count a secret left in guest RAM.
#include <boost/asio.hpp>

#include "evidence/check_result.h"
#include "runner/run_context.h"

namespace livecheck {

/// Writes a fresh canary token into the union, the shell histories and
/// tmpfs through the guest access; notes what was planted in ctx.canary.
asio::awaitable<void> PlantCanary(RunContext& ctx);

/// After power-off: every byte of every disk file (the user's images and
/// the run's overlays) scanned for the canary.
CheckResult ScanForCanary(RunContext& ctx);

/// Tails' memory-erasure test: a secret in a tmpfs that is then unmounted,
/// and a dump of all guest RAM counted for it (the dump is deleted).
asio::awaitable<CheckResult> CheckRamResidueNow(RunContext& ctx);

}  // namespace livecheck
