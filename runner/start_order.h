#pragma once
#include <cstddef>
#include <vector>

#include "runner/scenario_runner.h"

namespace livecheck {

/// How long a run is expected to take, in units of a direct boot to
/// agent-ready: what the firmware and bootloader add before the kernel
/// (under TCG here a direct boot took ~4 s, SeaBIOS+syslinux and the ISO
/// ~8 s, OVMF+GRUB ~12 s, a distribution's own medium far longer), plus the
/// scenario's sleeps. Only the order matters, never the figure itself.
double ExpectedCost(const RunRequest& request);

/// The order in which runs start, as indices into `requests`. With more
/// than one VM at a time, the longest expected first (longest processing
/// time first): the short runs then fill the last gaps instead of one long
/// run finishing alone while the other slots idle. Ties, and jobs == 1
/// (where the order cannot change the total), keep the request order.
std::vector<size_t> StartOrder(const std::vector<RunRequest>& requests, int jobs);

}  // namespace livecheck
