#include "evidence/own_medium_check.h"

#include <fmt/format.h>

#include "common/json_fields.h"
#include "evidence/mount_facts.h"

namespace livecheck {
namespace {

constexpr const char* kDecoy = "decoy";

std::string SizeText(int64_t bytes) {
  return bytes >= (1 << 20) ? fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20))
                            : fmt::format("{:.0f} KiB", static_cast<double>(bytes) / 1024);
}

// "sdb1 at /run/initramfs/live": the decoy's devices the guest mounted.
std::string MountedDecoy(const nlohmann::json& devices) {
  std::string out;
  for (const auto& d : Objects(devices))
    for (const auto& at : Field(d, "mounted_at"))
      if (at.is_string())
        out += fmt::format("{}{} at {}", out.empty() ? "" : ", ", StringField(d, "name", "?"), at.get<std::string>());
  return out;
}

}  // namespace

nlohmann::json OwnMediumEvidence(bool decoy_attached, const std::string& medium_drive, const nlohmann::json& drives,
                                 const nlohmann::json& decoy_devices) {
  return {{"decoy_attached", decoy_attached},
          {"medium_drive", medium_drive},
          {"medium", Field(drives, medium_drive)},
          {"decoy", Field(drives, kDecoy)},
          {"decoy_devices", decoy_devices.is_array() ? decoy_devices : nlohmann::json::array()}};
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
                               SizeText(decoy_read), SizeText(medium_read)),
                   e);
  if (auto mounted = MountedDecoy(Field(e, "decoy_devices")); !mounted.empty())
    return Verdict(name, false, fmt::format("the decoy stick is mounted in the guest ({})", mounted), e);
  std::string guest_names;  // the decoy as whole disks (sda; its partitions end in digits)
  for (const auto& d : Objects(Field(e, "decoy_devices")))
    if (std::string n = StringField(d, "name"); !n.empty() && n.find_first_of("0123456789") == std::string::npos)
      guest_names += (guest_names.empty() ? "" : ", ") + n;
  return Verdict(name, true,
                 fmt::format("booted from its own medium ({} read); the decoy with the same label{} was only probed "
                             "({} read)",
                             SizeText(medium_read), guest_names.empty() ? "" : " (" + guest_names + " in the guest)",
                             SizeText(decoy_read)),
                 e);
}

}  // namespace livecheck
