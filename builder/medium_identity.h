#pragma once
// What tells a variant's live medium from any other device carrying its
// label: a second stick with the same label (a decoy, or an attacker's) is
// otherwise indistinguishable to a search by label. The builder gives the
// medium's file system identity bytes it chooses (the FAT volume ID, the
// ISO's volume date) and tells the initramfs where to find them, so the
// initramfs can pick its own medium without trusting the label alone.
#include <cstdint>
#include <string>

#include "builder/build_config.h"

namespace livecheck {

struct MediumIdentity {
  uint32_t fat_volume_id = 0;  ///< the stick's FAT serial (mkfs.vfat -i)
  std::string iso_date;        ///< the ISO's volume dates, "YYYYMMDDhhmmsscc"
  /// For the initramfs: "OFFSET:HEX ..." into the medium's file system;
  /// any one entry matching identifies the medium.
  std::string live_conf_value;
};

/// A pure function of the variant's boot path, label and the build's
/// SOURCE_DATE_EPOCH, so builds stay reproducible and the initramfs can be
/// built before the medium that holds it.
MediumIdentity MediumIdentityFor(BootPath boot, const std::string& label, int64_t epoch);

/// Where a FAT12/16 and a FAT32 boot sector keep the volume ID, and where an
/// ISO 9660 volume keeps its modification date (blkid's UUID).
inline constexpr uint64_t kFat16VolumeIdOffset = 0x27, kFat32VolumeIdOffset = 0x43;
inline constexpr uint64_t kIsoModificationDateOffset = 0x8000 + 830;

}  // namespace livecheck
