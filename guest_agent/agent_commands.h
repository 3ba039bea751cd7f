#pragma once
// The livecheck guest agent's commands. The agent reports facts and
// evidence; it never judges them (the host's checks do). Every function
// takes its paths as arguments so tests run it on the host's own tree.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace livecheck::agent {

/// One line of /proc/self/mountinfo.
struct MountEntry {
  std::string mount_point;
  std::string fs_type;
  std::string source;
  std::string options;  ///< per-mount options ("ro,relatime")
  std::string super_options;  ///< the file system's own ("lowerdir=...,upperdir=..." for overlay)
  std::string device;   ///< "major:minor"
};

/// Parses mountinfo text (octal escapes like \040 decoded).
std::vector<MountEntry> ParseMountInfo(std::string_view text);

nlohmann::json Mounts(const std::string& mountinfo_path = "/proc/self/mountinfo");
/// statfs/statvfs of a path: file system magic, read-only flag, sizes.
nlohmann::json Statfs(const std::string& path);
/// Tries to create and write a file; reports success or the errno name.
nlohmann::json WriteProbe(const std::string& path, const std::string& content);
/// lstat of a path: exists, type, size.
nlohmann::json Stat(const std::string& path);
/// Active swap areas from /proc/swaps.
nlohmann::json Swaps(const std::string& swaps_path = "/proc/swaps");
/// Block devices from sysfs, with whether each (or a partition of it) is mounted.
/// The kernel ring buffer's storage lines (common/storage_kernel_log.h):
/// every mount, journal replay, unmount and swapon since boot, including
/// those undone before the checks ran. {"lines": [...]}.
inline constexpr size_t kMaxKernelLogLines = 2000;
nlohmann::json KernelLog();

/// Every block device: name, dev, bytes, removable, read_only, the USB
/// serial of the stick it is on ("" for other disks) and where it is mounted.
nlohmann::json BlockDevices(const std::string& sys_block = "/sys/class/block",
                            const std::string& mountinfo_path = "/proc/self/mountinfo");
/// The stacked devices (md arrays, device-mapper: LVM, dm-crypt) now:
/// [{name, slaves, dm_name, dm_uuid}], the same fields BlockDevices gives them.
nlohmann::json StackedDevices(const std::string& sys_block = "/sys/class/block");
/// SHA-256 of every regular file below `root` (links not followed), skipping
/// `skip` prefixes; unreadable files carry the errno name instead of a digest.
nlohmann::json HashTree(const std::string& root, const std::vector<std::string>& skip);
nlohmann::json Uptime(const std::string& uptime_path = "/proc/uptime");

/// Dispatches one request object; always returns a response object with the request's id.
nlohmann::json HandleRequest(const nlohmann::json& request);

/// The errno's symbolic name ("EROFS"), for evidence that reads like the man page.
std::string ErrnoName(int error);

}  // namespace livecheck::agent
