#pragma once
// Deciding a stored check again: the check's own pure function applied to
// the evidence report.json keeps with it. `livecheck verify` uses it so a
// verdict edited after the run (FAIL made PASS, or SKIP) does not match
// what its evidence decides.
#include <optional>
#include <string>
#include <vector>

#include "builder/manifest.h"
#include "evidence/check_result.h"

namespace livecheck {

struct Replay {
  bool replayed = false;
  Status status = Status::kSkip;  ///< what the check's function decides on the stored evidence
  std::string why_not;            ///< when not replayed: why (no evidence, needs the variant's manifest)
};

/// `phases` are the run's phase timings (boot-timing decides on them);
/// `rootfs` the variant's file list for ram-copy on images with the agent
/// (nullptr: not in the bundle).
Replay ReplayCheck(const CheckResult& stored, const std::vector<PhaseTiming>& phases,
                   const std::vector<RootfsEntry>* rootfs);

/// A PASS or FAIL needs evidence; SKIP and ERROR may have none.
bool HasEvidence(const nlohmann::json& evidence);

}  // namespace livecheck
