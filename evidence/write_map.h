#pragma once
// The annotated write map: which bytes of a disk the guest changed, and what
// they are (partition and file-system structure, disk_layout.h), with the
// first bytes before and after. The overlay's allocation (qcow2 clusters of
// 64 KiB, copy-on-write) is compared with the untouched image sector by
// sector, so a range here is data that really changed, not a cluster copied.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/disk_layout.h"

namespace livecheck {

/// One run of guest data in a qcow2 overlay: disk offset, length, and where
/// its bytes are in the overlay file (`qemu-img map`'s "offset").
struct MappedExtent {
  int64_t offset = 0, length = 0, host_offset = 0;
  bool operator==(const MappedExtent&) const = default;
};

/// A changed range of the disk, inside one region.
struct WrittenRange {
  uint64_t offset = 0, length = 0;
  std::string where;              ///< the region's name (RegionNameAt), "unpartitioned" outside all
  uint64_t sample_offset = 0;     ///< the range's first changed byte
  std::string before, after;      ///< hex of up to kWriteMapSampleBytes from sample_offset
  bool unchanged = false;         ///< written with the bytes it held (no byte differs)
  bool operator==(const WrittenRange&) const = default;
};

struct WriteMapDetail {
  std::vector<WrittenRange> ranges;  ///< at most kMaxWrittenRanges
  bool truncated = false;            ///< more ranges, or more than kMaxComparedBytes to compare
};

inline constexpr size_t kWriteMapSampleBytes = 16;
inline constexpr size_t kMaxWrittenRanges = 256;
inline constexpr uint64_t kMaxComparedBytes = 256ull << 20;

/// Compares each extent's bytes in the overlay (`after`, read at host
/// offsets) with the image's (`before`, read at disk offsets), 512-byte
/// sector by sector, and names each changed run by `layout`, split where the
/// region changes. An extent with no changed byte is one `unchanged` range.
WriteMapDetail AnnotateWrites(const std::vector<MappedExtent>& extents, const std::vector<DiskRegion>& layout,
                              const ByteReader& before, const ByteReader& after);

/// The distinct region names of `detail`'s changed ranges, in disk order
/// (for a verdict's one line).
std::vector<std::string> WrittenRegionNames(const WriteMapDetail& detail);

nlohmann::json ToJson(const WrittenRange& r);
WrittenRange WrittenRangeFromJson(const nlohmann::json& j);

}  // namespace livecheck
