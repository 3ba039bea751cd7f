#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace livecheck {

namespace fs = std::filesystem;

/// An exclude list with mksquashfs -ef semantics: one path per line, relative
/// to the root of the tree being packed ("sys/", "usr/src"); a leading or
/// trailing '/' is ignored; excluding a directory excludes everything below
/// it. Lines with *, ? or [ are shell patterns matched per path component
/// (as with mksquashfs -wildcards). Blank lines and lines starting with '#'
/// are skipped.
class ExcludeList {
 public:
  ExcludeList() = default;
  explicit ExcludeList(const std::vector<std::string>& lines);
  /// Reads a list from a file; throws Error naming the file when unreadable.
  static ExcludeList FromFile(const fs::path& file);

  /// `relative_path` is relative to the tree root, without a leading '/'.
  bool Excludes(std::string_view relative_path) const;
  const std::vector<std::string>& patterns() const { return patterns_; }
  void Append(const ExcludeList& other);

 private:
  std::vector<std::string> patterns_;
};

}  // namespace livecheck
