#include "evidence/check_result.h"

namespace livecheck {

CheckResult Verdict(const std::string& name, bool pass, const std::string& why, nlohmann::json evidence) {
  return {name, pass ? Status::kPass : Status::kFail, why, std::move(evidence)};
}

std::string StatusName(Status status) {
  switch (status) {
    case Status::kPass: return "PASS";
    case Status::kFail: return "FAIL";
    case Status::kError: return "ERROR";
    case Status::kSkip: return "SKIP";
  }
  return "?";
}

Status CombineStatus(const std::vector<CheckResult>& checks) {
  Status status = Status::kPass;
  for (const auto& c : checks) {
    if (c.status == Status::kError) return Status::kError;
    if (c.status == Status::kFail) status = Status::kFail;
  }
  return status;
}

}  // namespace livecheck
