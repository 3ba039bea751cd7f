#pragma once
// Files on a live medium livecheck did not build, read without mounting it
// and without ever opening it for writing: an ISO 9660 image through
// libarchive, a USB disk image's FAT partition through mtools.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "machine/boot_entry.h"

namespace livecheck {

namespace fs = std::filesystem;

class MediumFiles {
 public:
  /// Throws Error naming `image` when it is neither an ISO nor a disk image
  /// with a FAT partition that mtools can read.
  explicit MediumFiles(const fs::path& image);

  /// A file's bytes (at most `max_bytes`), or nullopt when it is absent.
  std::optional<std::string> Read(const std::string& path, size_t max_bytes = 1 << 20) const;
  /// Copies a file off the medium; false when it is absent.
  bool Extract(const std::string& path, const fs::path& out) const;

 private:
  fs::path image_;
  bool iso_ = false;
  uint64_t fat_offset_ = 0;  ///< bytes from the start of the disk image
};

/// The medium's default boot entry with its files copied into `dir`
/// (vmlinuz, and initrd.img holding every initrd of the entry in order).
struct ExtractedBoot {
  fs::path kernel, initrd;
  std::string append;  ///< the entry's command line, plus console=ttyS0 when it names no console
  std::string source;  ///< which configuration file and entry
};

/// Looks for isolinux.cfg, syslinux.cfg and grub.cfg in their usual places.
/// Throws Error naming the image when none gives a bootable entry.
ExtractedBoot ExtractDefaultBoot(const fs::path& image, const fs::path& dir);

}  // namespace livecheck
