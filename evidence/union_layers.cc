#include "evidence/union_layers.h"

#include "common/json_fields.h"
#include "evidence/mount_facts.h"

namespace livecheck {

UnionLayers FindUnionLayers(const nlohmann::json& mounts) {
  auto root = FindMount(mounts, "/");
  if (root && StringField(*root, "fs_type") == "overlay") {
    // mountinfo (the agent) keeps the layers in the super options;
    // /proc/mounts (a console shell) merges both into one field.
    std::string options = StringField(*root, "options");
    if (auto super = StringField(*root, "super_options"); !super.empty()) options += "," + super;
    return {SplitLowerDirs(OptionValue(options, "lowerdir")), OptionValue(options, "upperdir"), true};
  }
  return {{"/run/live/lower"}, "/run/live/upper/data", false};
}

std::string InLayer(const std::string& dir, const std::string& name) {
  std::string base = dir;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base == "/" ? "/" + name : base + "/" + name;
}

nlohmann::json LayersEvidence(const UnionLayers& layers) {
  return {{"lower_dirs", layers.lower_dirs},
          {"upper_dir", layers.upper_dir},
          {"found_in", layers.from_root_overlay ? "the root overlay's options" : "livecheck's layout (the root is no overlay)"}};
}

}  // namespace livecheck
