#pragma once
// What the host knows about a disk after a run: its image's digests before
// and after, QEMU's write counters, the bytes the guest wrote into its
// overlay. Gathered from plain paths and QMP answers, so it needs no VM.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/write_map.h"

namespace livecheck {

namespace fs = std::filesystem;

/// One attached disk as the host saw it.
struct DiskEvidence {
  std::string drive;        ///< QEMU drive id ("stick", "internal")
  std::string image;        ///< the user's image (never written)
  std::string hash_before, hash_after;
  int64_t wr_operations = 0, wr_bytes = 0;
  int64_t overlay_allocated_bytes = 0;  ///< data written into the qcow2 overlay
  /// The write map: where in the disk the guest's data landed (offset,
  /// length), from the overlay's allocation; at most kMaxWriteMapExtents.
  std::vector<std::pair<int64_t, int64_t>> written_extents;
  bool written_extents_truncated = false;
  /// What the written bytes are: each changed range named (write_map.h).
  WriteMapDetail written;
};

inline constexpr size_t kMaxWriteMapExtents = 4096;

/// A qcow2 overlay's data written by the guest (depth 0 of `qemu-img map`).
struct OverlayAllocation {
  int64_t bytes = 0;
  std::vector<std::pair<int64_t, int64_t>> extents;  ///< (offset, length), at most kMaxWriteMapExtents
  bool truncated = false;
  std::vector<MappedExtent> mapping;  ///< unmerged, with where the data is in the overlay file
};
OverlayAllocation OverlayAllocationOf(const fs::path& overlay);
/// Parses `qemu-img map --output=json` (pure, for tests).
OverlayAllocation ParseOverlayMap(const nlohmann::json& map);

/// The evidence of one disk after the run: `image` hashed again, its
/// overlay's allocation (empty `overlay`: attached read-only), and the
/// counters of `drive` in a query-blockstats answer.
DiskEvidence DiskEvidenceAfterRun(const std::string& drive, const fs::path& image, const std::string& hash_before,
                                  const fs::path& overlay, const nlohmann::json& blockstats);


/// One point of the counters over time: `blockstats` (query-blockstats'
/// shape) reduced to each drive's read and write counters, at host seconds
/// `at` since QEMU started, after the part of the run named `after`.
nlohmann::json BlockCounterSample(double at, const std::string& after, const nlohmann::json& blockstats);

/// Merges two query-blockstats answers: a drive removed later (the unplugged
/// stick) keeps its last counters.
nlohmann::json MergeBlockstats(const nlohmann::json& earlier, const nlohmann::json& later);

}  // namespace livecheck
