#pragma once
// The kernel's own account of what touched storage: the lines a kernel logs
// when a file system is mounted, replays its journal or is unmounted, when
// swap is turned on, when md or device-mapper assemble something. The guest
// agent sends these from the kernel's ring buffer (which keeps them however
// quiet the console is), and the console log holds them when the kernel
// prints at info level. Shared by the agent and the host: one filter.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace livecheck {

/// Whether a kernel log line (with or without its "<6>" level and
/// "[    2.345678]" time) is about storage being mounted or activated.
bool IsStorageKernelMessage(std::string_view line);

/// The storage lines of `text`, in order, without their "<N>" level
/// prefix and printable only, each at most 300 bytes, the first
/// `max_lines` of them (a probe happens early in a boot).
std::vector<std::string> StorageKernelMessages(std::string_view text, size_t max_lines);

}  // namespace livecheck
