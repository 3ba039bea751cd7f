// The guest's /proc/mounts, /proc/swaps and /sys/block as read through a
// console shell, turned into the same JSON the guest agent returns, so the
// checks are the same whichever way the facts came. Guest text: every
// malformed line is skipped, never trusted.
#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

namespace livecheck {

/// [{source, mount_point, fs_type, options}], octal escapes (\040) undone.
nlohmann::json ParseProcMounts(std::string_view text);

/// [{device, type}] from /proc/swaps (its header line skipped).
nlohmann::json ParseProcSwaps(std::string_view text);

/// The shell command whose output ParseBlockDevices reads.
inline constexpr const char* kListBlockDevicesCommand =
    "for d in /sys/block/*; do echo \"${d##*/} $(cat $d/size) $(cat $d/removable)\"; done";

/// [{name, device, bytes, removable}] from "NAME SECTORS REMOVABLE" lines.
nlohmann::json ParseBlockDevices(std::string_view text);

}  // namespace livecheck
