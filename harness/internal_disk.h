#pragma once
#include <filesystem>

namespace livecheck {

namespace fs = std::filesystem;

/// Size of the internal disk image: the guest finds it by this size.
inline constexpr uint64_t kInternalDiskBytes = 64ull << 20;

/// A small ext4 image labelled INTERNAL holding /known-file.txt, made
/// rootless (mkfs.ext4 -d) once per cache directory. Stands for the
/// machine's own disk, which a live system must never touch.
fs::path EnsureInternalDiskImage(const fs::path& cache_dir);

}  // namespace livecheck
