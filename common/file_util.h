#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace livecheck {

namespace fs = std::filesystem;

/// Reads a whole file; throws Error naming the path.
std::string ReadFile(const fs::path& path);

/// Reads at most `max_bytes` of `path` from byte `offset` on (for following a
/// growing log); an empty string when there is nothing new or no file.
std::string ReadFileFrom(const fs::path& path, uint64_t offset, size_t max_bytes);

/// Writes `content` to a temporary file beside `path`, syncs it and renames it
/// into place, so a reader never sees a half-written file (e.g. on a full disk).
void WriteFileAtomic(const fs::path& path, const std::string& content, int mode = 0644);

/// Writes several files all or none: every one goes to a synced temporary file
/// first and only then are they renamed into place. On a failure no file of
/// the set is written (earlier versions stay as they were) and an Error is thrown.
void WriteFilesTogether(const std::vector<std::pair<fs::path, std::string>>& files);

/// Copies `from` to `to`, replacing `to` (never writing through a symlink at `to`).
void ReplaceWithCopy(const fs::path& from, const fs::path& to);

/// Hard-links `from` to `to` (replacing `to`), falling back to a copy across file systems.
void LinkOrCopy(const fs::path& from, const fs::path& to);

/// Sets the mtime of every entry below `root` (and `root`) to `epoch`, without following links.
void ClampTreeMtimes(const fs::path& root, int64_t epoch);

/// Formats an errno-style failure of an operation on a path as one line.
std::string DescribeIoError(const std::string& operation, const fs::path& path, int error);

/// An exclusive lock on `dir`/.lock for this object's lifetime, taken without
/// waiting: returns an Error naming the directory when another process has it.
class DirectoryClaim {
 public:
  explicit DirectoryClaim(const fs::path& dir, const std::string& what);
  ~DirectoryClaim();
  DirectoryClaim(const DirectoryClaim&) = delete;
  DirectoryClaim& operator=(const DirectoryClaim&) = delete;

 private:
  int fd_ = -1;
};

/// A directory removed (recursively) when this object dies.
class TempDir {
 public:
  /// Creates `parent/prefixXXXXXX` with mode 0700.
  TempDir(const fs::path& parent, const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  /// Keeps the directory (e.g. after it was renamed into place).
  void Release() { path_.clear(); }

 private:
  fs::path path_;
};

}  // namespace livecheck
