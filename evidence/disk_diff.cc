#include "evidence/disk_diff.h"

#include <cstdlib>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "common/interrupt.h"
#include "evidence/guestfs_appliance.h"

namespace livecheck {
namespace {

struct FileFacts {
  int64_t mode = 0, size = 0;
  std::string digest;  // regular files only
};

// Every entry below `root` with its type, size and (regular files) SHA-256.
std::map<std::string, FileFacts> Walk(guestfs_h* g, const std::string& root) {
  std::map<std::string, FileFacts> facts;
  for (auto relative : TakeGuestfsStrings(guestfs_find(g, root.c_str()))) {
    if (relative.empty() || relative[0] != '/') relative.insert(0, "/");
    std::string path = root + relative;
    struct guestfs_statns* st = guestfs_lstatns(g, path.c_str());
    if (!st) continue;
    FileFacts f{st->st_mode, st->st_size, ""};
    guestfs_free_statns(st);
    if ((f.mode & 0170000) == 0100000) {
      if (char* sum = guestfs_checksum(g, "sha256", path.c_str())) {
        f.digest = sum;
        free(sum);
      }
    }
    facts[relative] = f;
  }
  return facts;
}

// "/dev/sda2" -> "2": partitions pair up by number across the two disks.
std::string PartitionSuffix(const std::string& device) {
  size_t i = device.size();
  while (i > 0 && device[i - 1] >= '0' && device[i - 1] <= '9') --i;
  return device.substr(i);
}

bool Mountable(const std::string& type) {
  return type != "swap" && type != "unknown" && type.find("crypto") == std::string::npos;
}

// Mounts a file system as its bytes are, read-only and without replaying a
// journal or log (btrfs: its log tree): the appliance's disks are writable snapshots, so a plain
// read-only mount of a dirty ext4 or XFS would show the "before" side as
// the replay leaves it, and a replay the guest did would look like no change.
bool MountAsStored(guestfs_h* g, const std::string& device, const std::string& type, const char* where) {
  std::string options = type == "ext3" || type == "ext4" ? "ro,noload"
                        : type == "xfs"                  ? "ro,norecovery"
                        : type == "btrfs"                ? "ro,rescue=nologreplay"
                                                         : "ro";
  return guestfs_mount_options(g, options.c_str(), device.c_str(), where) == 0;
}

}  // namespace

DiskDiff DiffDisks(const fs::path& before, const std::string& before_format, const fs::path& after,
                   const std::string& after_format) {
  DiskDiff diff;
  // Its appliance takes seconds to start; a run that is stopping needs no diff.
  // (Once it runs, a signal kills it with livecheck's other children.)
  if (Interrupted()) {
    diff.error = "interrupted";
    return diff;
  }
  Guestfs g = LaunchGuestfs({{before.string(), before_format, true}, {after.string(), after_format, true}}, diff.error);
  if (!g) return diff;
  auto devices = TakeGuestfsStrings(guestfs_list_devices(g.get()));
  if (devices.size() != 2) {
    diff.error = "libguestfs: expected two disks";
    return diff;
  }
  // list_filesystems: device, type, device, type, ...
  auto list = TakeGuestfsStrings(guestfs_list_filesystems(g.get()));
  std::map<std::string, std::string> before_fs, after_fs;  // partition suffix -> device
  std::map<std::string, std::string> types;
  for (size_t i = 0; i + 1 < list.size(); i += 2) {
    const auto& device = list[i];
    if (!Mountable(list[i + 1])) continue;
    bool on_before = device.rfind(devices[0], 0) == 0;
    (on_before ? before_fs : after_fs)[PartitionSuffix(device.substr(devices[on_before ? 0 : 1].size()))] = device;
    types[device] = list[i + 1];
  }
  if (guestfs_mkmountpoint(g.get(), "/before") != 0 || guestfs_mkmountpoint(g.get(), "/after") != 0) {
    diff.error = "libguestfs: " + GuestfsLastError(g.get());
    return diff;
  }
  for (const auto& [suffix, after_device] : after_fs) {
    auto it = before_fs.find(suffix);
    diff.filesystems.push_back(after_device + " " + types[after_device]);
    std::map<std::string, FileFacts> old_files;
    if (it != before_fs.end() && MountAsStored(g.get(), it->second, types[it->second], "/before")) {
      old_files = Walk(g.get(), "/before");
      guestfs_umount(g.get(), "/before");
    }
    if (!MountAsStored(g.get(), after_device, types[after_device], "/after")) continue;
    auto new_files = Walk(g.get(), "/after");
    guestfs_umount(g.get(), "/after");
    for (const auto& [path, f] : new_files) {
      auto old = old_files.find(path);
      if (old == old_files.end())
        diff.changes.push_back({after_device, path, "created", -1, f.size});
      else if (old->second.mode != f.mode || old->second.size != f.size || old->second.digest != f.digest)
        diff.changes.push_back({after_device, path, "modified", old->second.size, f.size});
    }
    for (const auto& [path, f] : old_files)
      if (!new_files.count(path)) diff.changes.push_back({after_device, path, "deleted", f.size, -1});
  }
  return diff;
}

nlohmann::json ToJson(const DiskDiff& diff) {
  auto changes = nlohmann::json::array();
  for (const auto& c : diff.changes)
    changes.push_back({{"filesystem", c.filesystem}, {"path", c.path}, {"change", c.change},
                       {"size_before", c.size_before}, {"size_after", c.size_after}});
  nlohmann::json j = {{"changes", changes}, {"filesystems", diff.filesystems}};
  if (!diff.error.empty()) j["error"] = diff.error;
  return j;
}

std::string SummarizeDiff(const DiskDiff& diff) {
  if (!diff.error.empty()) return "no file diff (" + diff.error + ")";
  if (diff.changes.empty()) return "no file changed (the writes were to metadata or free space)";
  std::map<std::string, std::vector<const FileChange*>> by_kind;
  for (const auto& c : diff.changes) by_kind[c.change].push_back(&c);
  std::string out;
  for (const auto& [kind, list] : by_kind) {
    out += fmt::format("{}{} {} (", out.empty() ? "" : ", ", list.size(), kind);
    for (size_t i = 0; i < list.size() && i < 3; ++i)
      out += fmt::format("{}{}, {} B", i ? "; " : "", list[i]->path,
                         list[i]->size_after >= 0 ? list[i]->size_after : list[i]->size_before);
    out += list.size() > 3 ? "; ...)" : ")";
  }
  return out;
}

}  // namespace livecheck
