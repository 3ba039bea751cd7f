#include "evidence/layer_checks.h"

#include <fmt/format.h>

#include "common/json_fields.h"
#include "evidence/mount_facts.h"
#include "evidence/union_layers.h"

namespace livecheck {

namespace {

// The mount a layer directory lives on, named for a verdict: "tmpfs on /run/live/lower".
std::string DescribeLayerMount(const nlohmann::json& mount) {
  return fmt::format("{} on {}", StringField(mount, "fs_type", "?"), StringField(mount, "mount_point", "?"));
}

}  // namespace

CheckResult CheckLowerReadonly(const nlohmann::json& e) {
  auto mounts = Field(e, "mounts");
  auto layers = FindUnionLayers(mounts);
  if (layers.lower_dirs.empty()) return Verdict("lower-readonly", false, "the root overlay names no lowerdir", e);
  for (const auto& lower : layers.lower_dirs) {
    auto holder = MountHolding(mounts, lower);
    if (!holder) return Verdict("lower-readonly", false, fmt::format("nothing is mounted at {}", lower), e);
    if (StringField(*holder, "fs_type") != "squashfs")
      return Verdict("lower-readonly", false,
                     fmt::format("the lower layer {} is {}, not squashfs", lower, DescribeLayerMount(*holder)), e);
    if (std::string options = StringField(*holder, "options"); !HasOption(options, "ro"))
      return Verdict("lower-readonly", false,
                     fmt::format("the lower layer {} is mounted {} (not ro)", lower, options), e);
  }
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
                 fmt::format("lower {} is a read-only squashfs (write: EROFS); union writes land in the upper "
                             "layer only",
                             layers.lower_dirs.front()),
                 e);
}

CheckResult CheckUpperTmpfs(const nlohmann::json& e) {
  auto mounts = Field(e, "mounts");
  auto layers = FindUnionLayers(mounts);
  if (layers.upper_dir.empty())
    return Verdict("upper-tmpfs", false, "the root overlay has no upper layer: nothing takes writes", e);
  auto upper = MountHolding(mounts, layers.upper_dir);
  if (!upper) return Verdict("upper-tmpfs", false, fmt::format("nothing is mounted at {}", layers.upper_dir), e);
  if (StringField(*upper, "fs_type") != "tmpfs")
    return Verdict("upper-tmpfs", false,
                   fmt::format("the upper layer {} is {} from {}, not tmpfs", layers.upper_dir, DescribeLayerMount(*upper),
                               StringField(*upper, "source", "?")),
                   e);
  return Verdict("upper-tmpfs", true, fmt::format("the read-write layer {} is on a tmpfs", layers.upper_dir), e);
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
  auto layers = FindUnionLayers(mounts);
  const auto& lowers = layers.lower_dirs;
  const std::string& upper = layers.upper_dir;
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
