#pragma once
// The mount and activation trace: what the guest's kernel mounted, replayed,
// unmounted, swapped on or assembled during the whole session, read from
// its own log lines (common/storage_kernel_log.h), so a probe mount that was
// undone before the checks ran is still seen, with its time and device.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace livecheck {

struct MountEvent {
  double seconds = -1;   ///< guest uptime of the line; -1 when it carried no time
  std::string device;    ///< "sdb1", "md127" (the kernel's name, without /dev/)
  std::string fs;        ///< "ext4", "xfs", "vfat", "swap", "md", ...
  std::string event;     ///< mounted, journal-replay, unmounted, swap-on, dirty-mount, activated
  std::string message;   ///< the kernel's line (untrusted guest text), or what the agent saw
  /// "kernel": a line of the kernel's log; "block-devices": the guest's
  /// list of block devices showed it (evidence/stacked_devices.h).
  std::string source = "kernel";
  bool operator==(const MountEvent&) const = default;
};

/// The events of `lines` in order; lines about no device are left out.
std::vector<MountEvent> ParseMountTrace(const std::vector<std::string>& lines);

/// Whether `device` ("sdb1", "nvme0n1p2") is `disk` ("sdb", "nvme0n1") or
/// one of its partitions.
bool IsOnDisk(const std::string& device, const std::string& disk);

nlohmann::json ToJson(const MountEvent& e);
MountEvent MountEventFromJson(const nlohmann::json& j);

}  // namespace livecheck
