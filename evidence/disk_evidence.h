#pragma once
// What the host knows about a disk after a run: its image's digests before
// and after, QEMU's write counters, the bytes the guest wrote into its
// overlay. Gathered from plain paths and QMP answers, so it needs no VM.
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace livecheck {

namespace fs = std::filesystem;

/// One attached disk as the host saw it.
struct DiskEvidence {
  std::string drive;        ///< QEMU drive id ("stick", "internal")
  std::string image;        ///< the user's image (never written)
  std::string hash_before, hash_after;
  int64_t wr_operations = 0, wr_bytes = 0;
  int64_t overlay_allocated_bytes = 0;  ///< data written into the qcow2 overlay
};

/// The evidence of one disk after the run: `image` hashed again, its
/// overlay's allocation (empty `overlay`: attached read-only), and the
/// counters of `drive` in a query-blockstats answer.
DiskEvidence DiskEvidenceAfterRun(const std::string& drive, const fs::path& image, const std::string& hash_before,
                                  const fs::path& overlay, const nlohmann::json& blockstats);

/// Bytes of guest data in a qcow2 overlay (depth-0 data extents of `qemu-img map`).
int64_t OverlayAllocatedBytes(const fs::path& overlay);

/// Merges two query-blockstats answers: a drive removed later (the unplugged
/// stick) keeps its last counters.
nlohmann::json MergeBlockstats(const nlohmann::json& earlier, const nlohmann::json& later);

}  // namespace livecheck
