#include "evidence/hazard_names.h"

#include <algorithm>

namespace livecheck {

const std::vector<std::string>& HazardNames() {
  static const std::vector<std::string> names = {"realistic", "ext4-dirty-journal", "fat-dirty", "swap", "swap-hibernated",
                                                    "luks", "esp", "persistence-decoys",
                                                    "ntfs-hibernated", "xfs-dirty-log", "btrfs-log-tree",
                                                    "mdraid-member", "lvm-pv"};
  return names;
}

bool IsHazardName(const std::string& name) {
  const auto& names = HazardNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace livecheck
