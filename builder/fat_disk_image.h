#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace livecheck {

namespace fs = std::filesystem;

/// A file to put on a FAT file system: from the host, or inline text.
struct FatFile {
  std::string dest;  ///< "live/vmlinuz"
  fs::path source;   ///< host file, or empty when `text` is used
  std::string text;
};

/// A disk image with one FAT partition, made without root: sfdisk on the
/// image file, mkfs.vfat --offset, mtools. Deterministic for equal inputs.
struct FatDiskSpec {
  enum class Table { kMbr, kGpt };
  Table table = Table::kMbr;
  bool bootable = false;        ///< MBR active flag (SeaBIOS boots only active partitions)
  bool efi_system = false;      ///< partition type: EFI system partition instead of FAT32 LBA
  std::string label;            ///< FAT volume label
  uint32_t volume_id = 0;       ///< FAT serial number
  std::string disk_id;          ///< MBR "0x1234abcd" or GPT GUID
  std::string partition_uuid;   ///< GPT only
  std::vector<FatFile> files;
  uint64_t spare_bytes = 8ull << 20;  ///< free space left on the file system
  int64_t epoch = 0;            ///< timestamps of everything written (SOURCE_DATE_EPOCH)
};

inline constexpr uint64_t kPartitionOffset = 1 << 20;  ///< first partition at 1 MiB

/// The sfdisk script for an image of `total_sectors`. Pure, for tests.
std::string SfdiskScript(const FatDiskSpec& spec, uint64_t total_sectors);

/// Creates `image` (which must not exist) as described.
void BuildFatDiskImage(const FatDiskSpec& spec, const fs::path& image);

/// Creates a bare FAT file system image (no partition table), e.g. efiboot.img.
void BuildFatFilesystemImage(const std::vector<FatFile>& files, const std::string& label, uint32_t volume_id,
                             int64_t epoch, const fs::path& image);

/// Sets SOURCE_DATE_EPOCH for mtools/mkfs so FAT timestamps are reproducible.
std::map<std::string, std::string> EpochEnvironment(int64_t epoch);

}  // namespace livecheck
