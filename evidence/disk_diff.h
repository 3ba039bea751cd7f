// What leaked: when a disk was written, the files that changed on it,
// read with libguestfs from the image as it was and as the session left it
// (the user's image and our qcow2 overlay over it). Both are opened
// read-only; libguestfs boots its own small appliance (~9 s under TCG).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace livecheck {

namespace fs = std::filesystem;

struct FileChange {
  std::string filesystem;  ///< the partition, as libguestfs names it on the "after" disk ("/dev/sdb1")
  std::string path;
  std::string change;      ///< "created", "modified" or "deleted"
  int64_t size_before = -1, size_after = -1;
};

struct DiskDiff {
  std::vector<FileChange> changes;
  std::vector<std::string> filesystems;  ///< compared, with their types ("/dev/sdb1 ext4")
  std::string error;                     ///< set when libguestfs could not do it
};

/// Compares every mountable file system of `before` with the same partition
/// of `after`. Never throws: a failure comes back in `error`.
DiskDiff DiffDisks(const fs::path& before, const std::string& before_format, const fs::path& after,
                   const std::string& after_format);

nlohmann::json ToJson(const DiskDiff& diff);

/// "1 created (/leak.txt, 7 B)"-style one-line summary.
std::string SummarizeDiff(const DiskDiff& diff);

}  // namespace livecheck
