#pragma once
// The checks livecheck offers. Each is a pure function from evidence (facts
// the runner gathered from the agent, QMP and the host) to a verdict, so each
// can be tested without a VM and each verdict carries what decided it.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "builder/rootfs.h"
#include "harness/boot_budget.h"
#include "harness/run_result.h"

namespace livecheck {

/// Names of every check, in report order.
const std::vector<std::string>& CheckNames();
bool IsHostCheck(const std::string& name);  ///< decided after the VM stopped

/// lower-readonly: /run/live/lower is a read-only squashfs; a write there
/// fails with EROFS; a file written through the union lands in the upper
/// layer and not in the lower. Evidence keys: mounts, lower_probe,
/// union_probe, upper_stat, lower_stat.
CheckResult CheckLowerReadonly(const nlohmann::json& evidence);

/// upper-tmpfs: /run/live/upper is a tmpfs (RAM), not a block device.
/// Evidence keys: mounts.
CheckResult CheckUpperTmpfs(const nlohmann::json& evidence);

/// ram-copy: after boot the medium is no longer mounted, the stick was
/// hot-unplugged, and then every root file still matches the manifest.
/// Evidence keys: toram, mounts_before, unplugged, verify_error (string),
/// files (agent hash-tree answer after unplug).
CheckResult CheckRamCopy(const nlohmann::json& evidence, const std::vector<RootfsEntry>& manifest);

/// union-root (images without the agent, facts from a console shell): the
/// root is an overlay whose lower layers sit on read-only mounts (squashfs,
/// iso9660, erofs or "ro") and whose upper layer is in RAM (tmpfs). ERROR
/// for fuse unions and aufs, whose branches /proc/mounts does not show.
CheckResult CheckUnionRoot(const nlohmann::json& mounts);

/// ram-copy for images without the agent: file digests read through the
/// console shell before the stick is pulled must read back the same after
/// it (caches dropped). Evidence keys: unplugged, digests_before,
/// status_before, digests_after, status_after, verify_error.
CheckResult CheckRamCopyReadback(const nlohmann::json& evidence);

/// canary: a random token the guest wrote into the union, the shell history
/// and tmpfs is found in no byte of any disk file after power-off. Evidence
/// keys: token, planted [{path, written}], scanned [{drive, file, bytes}],
/// findings [{drive, file, file_offset, guest_offset}].
CheckResult CheckCanary(const nlohmann::json& evidence);

/// ram-residue: copies of a secret in guest RAM after the tmpfs holding it
/// was unmounted, at most `max`. Evidence keys: secret {mounted, written,
/// unmounted}, count, max, dump_bytes.
CheckResult CheckRamResidue(const nlohmann::json& evidence);

/// One attached disk as the host saw it.
struct DiskEvidence {
  std::string drive;        ///< QEMU drive id ("stick", "internal")
  std::string image;        ///< the user's image (never written)
  std::string hash_before, hash_after;
  int64_t wr_operations = 0, wr_bytes = 0;
  int64_t overlay_allocated_bytes = 0;  ///< data written into the qcow2 overlay
};
nlohmann::json ToJson(const DiskEvidence& disk);

/// no-disk-writes: zero write operations and bytes on every drive over the
/// session, original images hash the same, nothing allocated in overlays.
CheckResult CheckNoDiskWrites(const std::vector<DiskEvidence>& disks);

/// internal-disk-untouched: the internal disk is never mounted, never swap,
/// never written. `guest_name` is its name in the guest ("sdb"), empty when
/// the guest never saw it.
CheckResult CheckInternalDiskUntouched(const DiskEvidence& disk, const std::string& guest_name,
                                       const nlohmann::json& mounts, const nlohmann::json& swaps);

/// boot-timing: every expected phase reported, in order, and (when the
/// budget has seconds) root-ready reached within the budget of guest time,
/// or, without root-ready among `expected` (images without markers), the
/// last expected phase within the budget of host time. A budget that could
/// not be resolved (a relative one without a host reference) is an ERROR.
CheckResult CheckBootTiming(const std::vector<PhaseTiming>& phases, const std::vector<std::string>& expected,
                            const ResolvedBudget& budget);

/// Whether boot-timing judges these phases in host time (no root-ready marker).
bool BootTimedInHostClock(const std::vector<std::string>& expected);

}  // namespace livecheck
