#pragma once
// The live root's layers: a read-only squashfs below, RAM above, a union over them.
#include <nlohmann/json.hpp>

#include "evidence/check_result.h"

namespace livecheck {

/// lower-readonly: every lower layer of the root overlay (FindUnionLayers)
/// is on a read-only squashfs; a write to the top one fails with EROFS; a file written through the union lands in the upper
/// layer and not in the lower. Evidence keys: mounts, lower_probe,
/// union_probe, upper_stat, lower_stat.
CheckResult CheckLowerReadonly(const nlohmann::json& evidence);

/// upper-tmpfs: the root overlay's upper layer is on a tmpfs (RAM), not a
/// block device.
/// Evidence keys: mounts.
CheckResult CheckUpperTmpfs(const nlohmann::json& evidence);

/// union-root (images without the agent, facts from a console shell): the
/// root is an overlay whose lower layers sit on read-only mounts (squashfs,
/// iso9660, erofs or "ro") and whose upper layer is in RAM (tmpfs). ERROR
/// for fuse unions and aufs, whose branches /proc/mounts does not show.
CheckResult CheckUnionRoot(const nlohmann::json& mounts);

}  // namespace livecheck
