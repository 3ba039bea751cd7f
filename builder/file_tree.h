#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace livecheck {

namespace fs = std::filesystem;

/// One entry of a tree to be packed (rootfs or initramfs).
struct FileNode {
  enum class Kind { kDirectory, kFile, kSymlink, kCharDevice };
  Kind kind = Kind::kDirectory;
  uint32_t mode = 0755;
  fs::path source;       ///< kFile: copy from here, unless `content` is used
  std::string content;   ///< kFile: inline content (when `source` is empty)
  std::string target;    ///< kSymlink: always relative inside the tree
  uint32_t major = 0, minor = 0;
};

/// A tree described in memory, keyed by path relative to its root
/// ("bin/busybox"). Parents are created implicitly. Describing the tree
/// first keeps staging pure and lets the same description become a
/// directory (for mksquashfs) or a cpio archive (for the initramfs).
class FileTree {
 public:
  void AddDirectory(const std::string& path, uint32_t mode = 0755);
  void AddFile(const std::string& path, const fs::path& source, uint32_t mode = 0755);
  void AddText(const std::string& path, const std::string& content, uint32_t mode = 0644);
  void AddSymlink(const std::string& path, const std::string& target);
  void AddCharDevice(const std::string& path, uint32_t major, uint32_t minor, uint32_t mode = 0600);

  const std::map<std::string, FileNode>& nodes() const { return nodes_; }

 private:
  void AddParents(const std::string& path);
  std::map<std::string, FileNode> nodes_;
};

/// A file node's bytes (from `content` or read from `source`).
std::string NodeContent(const FileNode& node);

/// Writes the tree into `dir` (which must be empty and ours), then clamps
/// every mtime to `epoch`. Character devices are skipped: a rootless build
/// cannot create them, and a live root gets them from devtmpfs.
void MaterializeTree(const FileTree& tree, const fs::path& dir, int64_t epoch);

/// The relative link target from `link_path` to `target_path`, both tree-relative.
std::string RelativeLink(const std::string& link_path, const std::string& target_path);

}  // namespace livecheck
