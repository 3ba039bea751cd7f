#include "evidence/mount_facts.h"

#include "common/json_fields.h"

namespace livecheck {

std::vector<nlohmann::json> Objects(const nlohmann::json& list) {
  std::vector<nlohmann::json> out;
  if (list.is_array())
    for (const auto& item : list)
      if (item.is_object()) out.push_back(item);
  return out;
}

nlohmann::json Field(const nlohmann::json& evidence, const std::string& key) {
  return evidence.is_object() && evidence.contains(key) ? evidence[key] : nlohmann::json::object();
}

std::optional<nlohmann::json> FindMount(const nlohmann::json& mounts, const std::string& mount_point) {
  std::optional<nlohmann::json> found;
  for (const auto& m : Objects(mounts))  // the last mount at a point is the visible one
    if (StringField(m, "mount_point") == mount_point) found = m;
  return found;
}

bool HasOption(const std::string& options, const std::string& option) {
  return ("," + options + ",").find("," + option + ",") != std::string::npos;
}

std::optional<nlohmann::json> MountHolding(const nlohmann::json& mounts, const std::string& path) {
  std::optional<nlohmann::json> best;
  size_t best_length = 0;
  for (const auto& m : Objects(mounts)) {
    std::string point = StringField(m, "mount_point");
    bool holds = point == "/" || path == point || path.rfind(point + "/", 0) == 0;
    if (holds && point.size() >= best_length) {
      best = m;
      best_length = point.size();
    }
  }
  return best;
}

std::string OptionValue(const std::string& options, const std::string& key) {
  std::string text = "," + options + ",";
  auto at = text.find("," + key + "=");
  if (at == std::string::npos) return "";
  at += key.size() + 2;
  return text.substr(at, text.find(',', at) - at);
}

std::vector<std::string> SplitLowerDirs(const std::string& value) {
  std::vector<std::string> dirs;
  size_t start = 0;
  while (start <= value.size()) {
    auto colon = value.find(':', start);
    if (colon == std::string::npos) colon = value.size();
    if (colon > start) dirs.push_back(value.substr(start, colon - start));
    start = colon + 1;
  }
  return dirs;
}

bool IsReadOnlyMount(const nlohmann::json& m) {
  std::string type = StringField(m, "fs_type");
  return type == "squashfs" || type == "iso9660" || type == "erofs" || HasOption(StringField(m, "options"), "ro");
}

}  // namespace livecheck
