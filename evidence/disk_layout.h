#pragma once
// Where things are on a disk image: its partition table (MBR or GPT), its
// partitions and, inside each, the file-system structures a write can hit
// (ext4 superblock, group descriptors, bitmaps, inode tables and journal; FAT
// boot sector, FATs and root directory; the swap header; the LUKS header;
// XFS's superblock, AG headers and log; btrfs' superblocks; md and LVM
// metadata, with the file system inside them).
// Read from the image's own bytes through a reader, so it is a pure function
// of those bytes and needs no tool and no mount.
#include <cstdint>
#include <string>
#include <vector>

#include "common/byte_reader.h"

namespace livecheck {

/// One named range of a disk, in disk bytes.
struct DiskRegion {
  std::string name;  ///< "MBR", "p1 ext4 'INTERNAL'", "p1 ext4 'INTERNAL': journal"
  uint64_t offset = 0, length = 0;
  int depth = 0;  ///< 0: partition table or partition; 1: a structure inside a partition
  bool operator==(const DiskRegion&) const = default;
};

/// Every region livecheck can name on a disk of `disk_bytes` bytes.
std::vector<DiskRegion> DiskLayoutOf(const ByteReader& read, uint64_t disk_bytes);

/// The name of the most specific region holding `offset` ("unpartitioned"
/// when none does).
std::string RegionNameAt(const std::vector<DiskRegion>& layout, uint64_t offset);

/// Where the names change inside [offset, offset + length): the offsets at
/// which a region starts or ends, sorted, without the two ends.
std::vector<uint64_t> RegionBoundariesIn(const std::vector<DiskRegion>& layout, uint64_t offset, uint64_t length);

}  // namespace livecheck
