#pragma once
// No trace of the session: a canary on no disk byte, a secret not left in RAM.
#include <nlohmann/json.hpp>

#include "evidence/check_result.h"

namespace livecheck {

/// canary: a random token the guest wrote into the union, the shell history
/// and tmpfs is found in no byte of any disk file after power-off. Evidence
/// keys: token, planted [{path, written}], scanned [{drive, file, bytes}],
/// findings [{drive, file, file_offset, guest_offset}].
CheckResult CheckCanary(const nlohmann::json& evidence);

/// ram-residue: copies of a secret in guest RAM after the tmpfs holding it
/// was unmounted, at most `max`. Evidence keys: secret {mounted, written,
/// unmounted}, count, max, dump_bytes.
CheckResult CheckRamResidue(const nlohmann::json& evidence);

}  // namespace livecheck
