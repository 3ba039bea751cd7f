#pragma once
// The names of the hostile machine's internal disks (hazard_disk.h builds
// them), apart from building them: scenarios and flags are checked against
// these without running any tool.
#include <string>
#include <vector>

namespace livecheck {

/// Every hazard name: "realistic" (the plain disk: ext4+swap+FAT, what
/// `auto` and `internal_disk = true` attach), then the hostile ones
/// (hazard_disk.h says what each holds).
const std::vector<std::string>& HazardNames();
bool IsHazardName(const std::string& name);

}  // namespace livecheck
