#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace livecheck {

namespace fs = std::filesystem;

/// Where a bzImage keeps its compressed kernel (the setup header's
/// payload_offset/payload_length, boot protocol 2.08+).
struct BzImagePayload {
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string compression;  ///< "xz", "gzip", "zstd", "lzma", "bzip2", "lz4" or "unknown"
};

/// Reads the payload's place from a bzImage's setup header. Throws Error
/// when `image` is not a bzImage with a payload field.
BzImagePayload FindBzImagePayload(std::string_view image);

/// Whether an ELF64 image carries the Xen PVH entry note
/// (XEN_ELFNOTE_PHYS32_ENTRY), which QEMU's -kernel needs to boot it
/// directly. Never reads past `elf`.
bool HasPvhEntryNote(std::string_view elf);

/// The uncompressed kernel inside a bzImage. Throws Error when the payload
/// cannot be decoded or its size differs from the size the kernel's build
/// appended to it.
std::string DecompressBzImagePayload(std::string_view image, const BzImagePayload& payload);

/// Why a direct boot enters the kernel the way it does.
struct PvhExtraction {
  bool extracted = false;
  std::string reason;  ///< when not extracted: why the bzImage is booted instead
};

/// Writes the bzImage's kernel as an ELF to `out` when that ELF has the PVH
/// note. Booting it skips the firmware's linuxboot path and the kernel's
/// self-decompression, which under TCG cost several seconds per boot.
/// Nothing is written when the kernel cannot boot that way.
PvhExtraction ExtractPvhKernel(const fs::path& bzimage, const fs::path& out);

/// ExtractPvhKernel for a kernel livecheck did not build (`run --kernel`):
/// the ELF is kept in `cache_dir` under the bzImage's sha256, so each kernel
/// is decompressed once per host. `elf` is empty, and `reason` says why,
/// when the kernel cannot boot through PVH.
struct CachedPvhKernel {
  fs::path elf;
  std::string reason;
};
CachedPvhKernel PvhKernelFor(const fs::path& bzimage, const fs::path& cache_dir);

}  // namespace livecheck
