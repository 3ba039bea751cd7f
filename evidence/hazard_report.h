#pragma once
// The hazard report of one run: for each internal disk on the machine,
// which hazard it held and how far the guest went with it (untouched, read,
// mounted, written), with the evidence: bytes read and written, the mount
// trace's events on it, the structures the write map names.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/disk_evidence.h"

namespace livecheck {

/// One internal disk as the run attached it.
struct AttachedDisk {
  std::string drive;       ///< "internal", "internal2", ...
  std::string hazard;      ///< a hazard name, or the user's image path
  std::string guest_name;  ///< "sdb"; empty when the guest never listed it
};

/// {drive, hazard, guest_name, touched, read_bytes, written_bytes, events[],
/// written_regions[]} per disk. `trace` is the run's mount trace (MountEvent
/// JSON), `counters` the last block-counter sample (BlockCounterSample).
/// touched: "written" (writes or changed bytes), else "mounted" (a trace
/// event: mounted, journal replay, swap), else "activated" (only md,
/// LVM or dm-crypt built on it), else "read", else "untouched".
nlohmann::json HazardReport(const std::vector<AttachedDisk>& disks, const std::vector<DiskEvidence>& evidence,
                            const nlohmann::json& trace, const nlohmann::json& counters);

}  // namespace livecheck
