#pragma once
// A check's verdict with the evidence that decided it, and the timing record
// of a boot phase: what every check and report is made of.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace livecheck {

enum class Status { kPass, kFail, kError, kSkip };
std::string StatusName(Status status);  ///< "PASS", "FAIL", "ERROR", "SKIP"

/// A named check's verdict with the evidence that decided it.
struct CheckResult {
  std::string name;
  Status status = Status::kSkip;
  std::string summary;     ///< one line: why
  nlohmann::json evidence; ///< the facts (agent answers, QMP counters, digests)
};

/// PASS or FAIL by `pass`, with the reason and the evidence.
CheckResult Verdict(const std::string& name, bool pass, const std::string& why, nlohmann::json evidence);

/// Overall status: ERROR if any error, else FAIL if any check failed, else PASS.
Status CombineStatus(const std::vector<CheckResult>& checks);

/// When a phase happened: guest uptime from its marker, host seconds since QEMU started.
struct PhaseTiming {
  std::string phase;
  double guest_seconds = -1;  ///< guest uptime; -1: not reported by the guest (media without markers)
  double host_seconds = -1;   ///< since QEMU started
  /// The figure timings use: guest uptime, or host time when the guest gave none.
  double seconds() const { return guest_seconds >= 0 ? guest_seconds : host_seconds; }
  bool host_clock() const { return guest_seconds < 0; }
};

}  // namespace livecheck
