#include "evidence/own_medium_check.h"

#include <fmt/format.h>

#include "common/json_fields.h"
#include "evidence/mount_facts.h"

namespace livecheck {
namespace {

constexpr const char* kDecoy = "decoy";

std::string ReadText(int64_t bytes) {
  return bytes >= (1 << 20) ? fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20))
                            : fmt::format("{:.0f} KiB", static_cast<double>(bytes) / 1024);
}

}  // namespace

nlohmann::json OwnMediumEvidence(bool decoy_attached, const std::string& medium_drive, const nlohmann::json& drives) {
  return {{"decoy_attached", decoy_attached},
          {"medium_drive", medium_drive},
          {"medium", Field(drives, medium_drive)},
          {"decoy", Field(drives, kDecoy)}};
}

CheckResult CheckOwnMedium(const nlohmann::json& e) {
  const std::string name = "own-medium";
  if (!BoolField(e, "decoy_attached", false))
    return {name, Status::kSkip, "no decoy stick attached (decoy_stick = true, --decoy-stick)", e};
  auto medium = ObjectField(e, "medium"), decoy = ObjectField(e, "decoy");
  if (!decoy.contains("rd_bytes") || !medium.contains("rd_bytes"))
    return {name, Status::kError, "QEMU gave no read counters for the medium and the decoy", e};
  int64_t medium_read = IntField(medium, "rd_bytes", 0), decoy_read = IntField(decoy, "rd_bytes", 0);
  if (int64_t written = IntField(decoy, "wr_bytes", 0); written > 0)
    return Verdict(name, false, fmt::format("the decoy stick was written ({} B)", written), e);
  if (decoy_read > medium_read)
    return Verdict(name, false,
                   fmt::format("the system read its root from the decoy stick ({} read from it, {} from its own "
                               "medium): a medium chosen by its label alone can be hijacked",
                               ReadText(decoy_read), ReadText(medium_read)),
                   e);
  return Verdict(name, true,
                 fmt::format("booted from its own medium ({} read); the decoy with the same label was only probed "
                             "({} read)",
                             ReadText(medium_read), ReadText(decoy_read)),
                 e);
}

}  // namespace livecheck
