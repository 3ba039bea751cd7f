#pragma once
// The disks: nothing written to any, the internal disk never mounted or swapped on.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/check_result.h"
#include "evidence/disk_evidence.h"

namespace livecheck {

/// The evidence form of one disk, as the disk checks report it.
nlohmann::json ToJson(const DiskEvidence& disk);
/// Back from that form (untrusted JSON: missing fields are zero or empty).
DiskEvidence DiskEvidenceFromJson(const nlohmann::json& j);

/// no-disk-writes: zero write operations and bytes on every drive over the
/// session, original images hash the same, nothing allocated in overlays.
CheckResult CheckNoDiskWrites(const std::vector<DiskEvidence>& disks);

/// internal-disk-untouched: the internal disk is never mounted, never swap,
/// never written. `guest_name` is its name in the guest ("sdb"), empty when
/// the guest never saw it; `mounts` and `swaps` are the guest's tables when
/// the checks ran, `trace` the session's mount trace (mount_trace.h, as
/// JSON): a mount already undone is in the trace only.
CheckResult CheckInternalDiskUntouched(const DiskEvidence& disk, const std::string& guest_name,
                                       const nlohmann::json& mounts, const nlohmann::json& swaps,
                                       const nlohmann::json& trace);

/// internal-disk-untouched on a machine with several internal disks: each
/// decided alone (CheckInternalDiskUntouched), then one verdict: the first
/// failure, prefixed with its drive ("internal2: /dev/sdc1 was mounted ..."),
/// or a PASS naming them all. Evidence: {"per_disk": [each one's]}. One
/// disk's verdict is returned as it is.
CheckResult CombineInternalDiskVerdicts(const std::vector<std::string>& drives, const std::vector<CheckResult>& each);

}  // namespace livecheck
