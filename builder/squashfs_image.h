#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "builder/build_config.h"

namespace livecheck {

namespace fs = std::filesystem;

struct SquashfsSpec {
  fs::path source_dir;
  Compressor compressor = Compressor::kXz;
  int64_t epoch = 0;                    ///< file system creation time
  bool all_root = true;                 ///< owner 0:0 for every file (rootless builds)
  bool clamp_file_times = true;         ///< every file's mtime = epoch
  std::vector<fs::path> excluded_paths; ///< absolute paths below source_dir left out
  /// Told every progress_seconds while mksquashfs runs ("20 s, 96.0 MiB
  /// written"): a real root takes minutes. May be empty.
  std::function<void(const std::string&)> progress;
  double progress_seconds = 20;
};

/// The mksquashfs argv for `spec`, writing `out`. Pure, for tests.
std::vector<std::string> MksquashfsCommand(const SquashfsSpec& spec, const fs::path& out,
                                           const fs::path& exclude_file);

/// Packs the tree with mksquashfs into `out` (through a temporary file).
void BuildSquashfs(const SquashfsSpec& spec, const fs::path& out);

}  // namespace livecheck
