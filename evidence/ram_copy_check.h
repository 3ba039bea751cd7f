#pragma once
// ram-copy: a toram system keeps running when its stick is pulled.
#include <vector>

#include <nlohmann/json.hpp>

#include "builder/rootfs.h"
#include "evidence/check_result.h"

namespace livecheck {

/// ram-copy: after boot the medium is no longer mounted, the stick was
/// hot-unplugged, and then every root file still matches the manifest.
/// Evidence keys: toram, mounts_before, unplugged, verify_error (string),
/// files (agent hash-tree answer after unplug).
CheckResult CheckRamCopy(const nlohmann::json& evidence, const std::vector<RootfsEntry>& manifest);

/// ram-copy for images without the agent: file digests read through the
/// console shell before the stick is pulled must read back the same after
/// it (caches dropped). Evidence keys: unplugged, digests_before,
/// status_before, digests_after, status_after, verify_error.
CheckResult CheckRamCopyReadback(const nlohmann::json& evidence);

}  // namespace livecheck
