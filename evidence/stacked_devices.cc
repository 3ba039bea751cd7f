#include "evidence/stacked_devices.h"

#include <fmt/format.h>

#include "common/json_fields.h"

namespace livecheck {
namespace {

constexpr size_t kMaxStackedDevices = 256, kMaxSlaves = 64;

nlohmann::json Slaves(const nlohmann::json& device) {
  auto out = nlohmann::json::array();
  const auto* slaves = FieldPtr(device, "slaves");
  if (slaves == nullptr || !slaves->is_array()) return out;
  for (const auto& s : *slaves)
    if (s.is_string() && out.size() < kMaxSlaves) out.push_back(s.get<std::string>().substr(0, 64));
  return out;
}

}  // namespace

void NoteStackedDevices(nlohmann::json& seen, const nlohmann::json& block_devices) {
  if (!seen.is_array()) seen = nlohmann::json::array();
  if (!block_devices.is_array()) return;
  for (const auto& d : block_devices) {
    auto slaves = Slaves(d);
    if (slaves.empty()) continue;
    nlohmann::json entry = {{"name", StringField(d, "name").substr(0, 64)},
                            {"slaves", slaves},
                            {"dm_name", StringField(d, "dm_name").substr(0, 128)},
                            {"dm_uuid", StringField(d, "dm_uuid").substr(0, 160)}};
    bool known = false;
    for (const auto& s : seen) known = known || (s["name"] == entry["name"] && s["slaves"] == entry["slaves"]);
    if (!known && seen.size() < kMaxStackedDevices) seen.push_back(std::move(entry));
  }
}

std::string StackedKind(const std::string& name, const std::string& dm_uuid) {
  if (dm_uuid.rfind("LVM-", 0) == 0) return "lvm";
  if (dm_uuid.rfind("CRYPT-", 0) == 0) return "dm-crypt";
  if (name.rfind("md", 0) == 0) return "md";
  return "dm";
}

std::vector<MountEvent> StackedDeviceEvents(const nlohmann::json& seen) {
  std::vector<MountEvent> events;
  if (!seen.is_array()) return events;
  for (const auto& s : seen) {
    auto name = StringField(s, "name"), dm_name = StringField(s, "dm_name");
    auto kind = StackedKind(name, StringField(s, "dm_uuid"));
    std::string what = dm_name.empty() ? name : fmt::format("{} '{}'", name, dm_name);
    for (const auto& slave : Slaves(s))
      events.push_back({.device = slave.get<std::string>(),
                        .fs = kind,
                        .event = "activated",
                        .message = fmt::format("{} ({}) is built on it", what, kind),
                        .source = "block-devices"});
  }
  return events;
}

}  // namespace livecheck
