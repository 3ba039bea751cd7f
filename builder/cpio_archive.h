#pragma once
#include <cstdint>
#include <filesystem>

#include "builder/file_tree.h"

namespace livecheck {

enum class CpioCompression { kNone, kGzip, kZstd };

/// Writes `tree` as a cpio "newc" archive (the initramfs format) with
/// libarchive: entries in sorted order, owner 0:0, every mtime `epoch`,
/// inode numbers assigned in order, so equal trees give equal bytes.
/// Writes to a temporary file and renames it into place.
void WriteCpioArchive(const FileTree& tree, const fs::path& out, CpioCompression compression, int64_t epoch);

}  // namespace livecheck
