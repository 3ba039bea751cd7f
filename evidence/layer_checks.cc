#include "evidence/layer_checks.h"

#include <fmt/format.h>

#include "common/json_fields.h"
#include "evidence/mount_facts.h"

namespace livecheck {

CheckResult CheckLowerReadonly(const nlohmann::json& e) {
  auto lower = FindMount(Field(e, "mounts"), "/run/live/lower");
  if (!lower) return Verdict("lower-readonly", false, "nothing is mounted at /run/live/lower", e);
  std::string fs_type = StringField(*lower, "fs_type");
  std::string options = StringField(*lower, "options");
  if (fs_type != "squashfs")
    return Verdict("lower-readonly", false, fmt::format("the lower layer is {}, not squashfs", fs_type), e);
  if (!HasOption(options, "ro"))
    return Verdict("lower-readonly", false, fmt::format("the lower layer is mounted {} (not ro)", options), e);
  auto lower_probe = ObjectField(e, "lower_probe");
  if (BoolField(lower_probe, "written", true) || StringField(lower_probe, "errno") != "EROFS")
    return Verdict("lower-readonly", false,
                   fmt::format("writing to the lower layer gave {} (expected EROFS)",
                               BoolField(lower_probe, "written", false) ? "success" : StringField(lower_probe, "errno", "?")),
                   e);
  if (!BoolField(ObjectField(e, "union_probe"), "written", false))
    return Verdict("lower-readonly", false, "a write through the union failed", e);
  if (!BoolField(ObjectField(e, "upper_stat"), "exists", false))
    return Verdict("lower-readonly", false, "the file written through the union is not in the upper layer", e);
  if (BoolField(ObjectField(e, "lower_stat"), "exists", true))
    return Verdict("lower-readonly", false, "the file written through the union appeared in the lower layer", e);
  return Verdict("lower-readonly", true,
                 "lower is a read-only squashfs (write: EROFS); union writes land in the upper layer only", e);
}

CheckResult CheckUpperTmpfs(const nlohmann::json& e) {
  auto upper = FindMount(Field(e, "mounts"), "/run/live/upper");
  if (!upper) return Verdict("upper-tmpfs", false, "nothing is mounted at /run/live/upper", e);
  std::string fs_type = StringField(*upper, "fs_type");
  if (fs_type != "tmpfs")
    return Verdict("upper-tmpfs", false,
                   fmt::format("the upper layer is {} on {}, not tmpfs", fs_type, StringField(*upper, "source", "?")), e);
  return Verdict("upper-tmpfs", true, "the read-write layer is a tmpfs", e);
}

CheckResult CheckUnionRoot(const nlohmann::json& mounts) {
  nlohmann::json evidence = {{"mounts", mounts}};
  auto root = FindMount(mounts, "/");
  if (!root) return Verdict("union-root", false, "nothing is mounted at /", evidence);
  std::string type = StringField(*root, "fs_type");
  if (type == "fuse.unionfs" || type == "fuse.fuse-overlayfs" || type == "aufs")
    return {"union-root", Status::kError,
            fmt::format("the root is {}: its branches are not visible in /proc/mounts", type), evidence};
  if (type != "overlay")
    return Verdict("union-root", false,
                   fmt::format("the root is {} on {}, not a union", type, StringField(*root, "source")), evidence);
  // mountinfo (the agent) keeps the overlay's layers in the super options;
  // /proc/mounts (a console shell) merges both into one field.
  std::string options = StringField(*root, "options");
  if (auto super = StringField(*root, "super_options"); !super.empty()) options += "," + super;
  auto lowers = SplitLowerDirs(OptionValue(options, "lowerdir"));
  std::string upper = OptionValue(options, "upperdir");
  evidence["lowerdirs"] = lowers;
  evidence["upperdir"] = upper;
  if (lowers.empty()) return Verdict("union-root", false, "the root overlay names no lowerdir", evidence);
  for (const auto& lower : lowers) {
    auto holder = MountHolding(mounts, lower);
    if (!holder || !IsReadOnlyMount(*holder))
      return Verdict("union-root", false,
                     fmt::format("lower layer {} is on {} ({}), which is writable", lower,
                                 holder ? StringField(*holder, "mount_point") : "?",
                                 holder ? StringField(*holder, "fs_type") : "?"),
                     evidence);
  }
  if (upper.empty()) return Verdict("union-root", true, "the root is a read-only overlay (no upper layer)", evidence);
  auto holder = MountHolding(mounts, upper);
  std::string upper_type = holder ? StringField(*holder, "fs_type") : "?";
  if (upper_type != "tmpfs" && upper_type != "ramfs")
    return Verdict("union-root", false,
                   fmt::format("the upper layer {} is on {} ({}), not in RAM", upper,
                               holder ? StringField(*holder, "source") : "?", upper_type),
                   evidence);
  return Verdict("union-root", true,
                 fmt::format("the root is an overlay of {} read-only lower layer(s) under a {} upper layer",
                             lowers.size(), upper_type),
                 evidence);
}

}  // namespace livecheck
