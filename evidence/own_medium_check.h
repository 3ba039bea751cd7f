#pragma once
// own-medium: with a decoy stick attached (a second stick carrying the
// medium's label and files under other file-system identities), the system
// must read its root from the medium it was booted with. Decided from QEMU's
// per-drive counters, so it needs nothing inside the guest and holds for any
// live stack, with or without the agent.
#include <string>

#include <nlohmann/json.hpp>

#include "evidence/check_result.h"

namespace livecheck {

/// The evidence: whether a decoy was attached, which drive holds the medium
/// ("stick", or "cd" for a CD boot), both drives' counters from a
/// BlockCounterSample's "drives", and the guest's block devices on the
/// decoy (the agent's entries with the decoy's USB serial; empty without an
/// agent).
nlohmann::json OwnMediumEvidence(bool decoy_attached, const std::string& medium_drive, const nlohmann::json& drives,
                                 const nlohmann::json& decoy_devices);

/// SKIP without a decoy. FAIL when the decoy was written, is mounted in the
/// guest, or was read more than the medium (the root came from it: the
/// initramfs took a device by its label); PASS when the decoy was only
/// probed.
CheckResult CheckOwnMedium(const nlohmann::json& evidence);

}  // namespace livecheck
