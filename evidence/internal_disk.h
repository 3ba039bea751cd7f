#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace livecheck {

namespace fs = std::filesystem;

/// Size of the internal disk image: the guest finds it by this size.
inline constexpr uint64_t kInternalDiskBytes = 80ull << 20;

/// What /known-file.txt holds on every internal disk with an ext4 (or XFS,
/// btrfs, NTFS) partition: the suspect's data a live system must not change.
inline constexpr const char* kKnownFileContent = "the suspect's data: must never change\n";

/// Stands for the machine's own disk, which a live system must never touch,
/// laid out like a real one: an MBR table with an ext4 data partition
/// (label INTERNAL, holding /known-file.txt), a swap partition with a valid
/// swap signature (label INTSWAP: careless live systems turn it on) and a FAT
/// partition (label INTFAT, holding KNOWN.TXT). Made rootless (mkfs -d, mkswap
/// on a file, mkfs.vfat --offset, mcopy) once per cache directory.
fs::path EnsureInternalDiskImage(const fs::path& cache_dir);

/// Writes `from`'s bytes into `image` at `offset`, in place: mkswap and
/// debugfs work on whole files, so a partition is made beside the image
/// and copied in.
void CopyIntoImage(const fs::path& from, const fs::path& image, uint64_t offset);
/// Writes `bytes` into `image` at `offset`, in place.
void WriteIntoImage(const fs::path& image, uint64_t offset, const std::string& bytes);
/// Sets the type byte of MBR partition entry `index` (0-3) in `image`.
void SetMbrPartitionType(const fs::path& image, int index, uint8_t type);

/// The environment that makes mkfs.ext4, mkfs.vfat and mtools reproducible
/// (fixed times, no geometry check): every internal disk recipe uses it.
const std::map<std::string, std::string>& ReproducibleToolEnv();

/// The partitions' offsets and sizes in the image, in bytes.
struct InternalDiskLayout {
  static constexpr uint64_t kMiB = 1ull << 20;
  static constexpr uint64_t kExt4Offset = 1 * kMiB, kExt4Bytes = 40 * kMiB;
  static constexpr uint64_t kSwapOffset = 41 * kMiB, kSwapBytes = 16 * kMiB;
  static constexpr uint64_t kFatOffset = 57 * kMiB, kFatBytes = 23 * kMiB;
};

}  // namespace livecheck
