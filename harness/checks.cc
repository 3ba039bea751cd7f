#include "harness/checks.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "common/json_fields.h"

namespace livecheck {
namespace {

CheckResult Verdict(const std::string& name, bool pass, const std::string& why, nlohmann::json evidence) {
  return {name, pass ? Status::kPass : Status::kFail, why, std::move(evidence)};
}

// The entries of a JSON array that are objects: agent answers are untrusted
// and may have any shape.
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

}  // namespace

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

const std::vector<std::string>& CheckNames() {
  static const std::vector<std::string> names = {
      "lower-readonly", "upper-tmpfs", "union-root", "ram-copy", "no-disk-writes", "internal-disk-untouched",
      "canary",         "ram-residue", "boot-timing"};
  return names;
}

bool IsHostCheck(const std::string& name) {
  return name == "no-disk-writes" || name == "internal-disk-untouched" || name == "boot-timing" || name == "canary";
}

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

CheckResult CheckRamCopy(const nlohmann::json& e, const std::vector<RootfsEntry>& manifest) {
  if (!BoolField(e, "toram", false))
    return Verdict("ram-copy", false, "the image does not claim toram; it was tested as a control", e);
  for (const auto& m : Objects(Field(e, "mounts_before"))) {
    std::string type = StringField(m, "fs_type");
    if (StringField(m, "mount_point") == "/run/live/medium" || type == "vfat" || type == "iso9660")
      return Verdict("ram-copy", false,
                     fmt::format("the medium is still mounted at {} ({})", StringField(m, "mount_point", "?"), type), e);
  }
  if (!BoolField(e, "unplugged", false)) return Verdict("ram-copy", false, "the stick could not be unplugged", e);
  if (e.contains("verify_error"))
    return Verdict("ram-copy", false,
                   fmt::format("the system depended on the stick: after the unplug {}",
                               StringField(e, "verify_error")),
                   e);
  std::map<std::string, nlohmann::json> seen;
  for (const auto& f : Objects(Field(e, "files"))) seen[StringField(f, "path")] = f;
  int checked = 0, bad = 0;
  std::string first_bad;
  for (const auto& entry : manifest) {
    if (entry.type != "file") continue;
    ++checked;
    auto it = seen.find(entry.path);
    bool ok = it != seen.end() && StringField(it->second, "sha256") == entry.sha256;
    if (!ok) {
      if (bad++ == 0)
        first_bad = entry.path + (it == seen.end() ? " missing" : " " + StringField(it->second, "error", "changed"));
    }
  }
  if (bad > 0)
    return Verdict("ram-copy", false,
                   fmt::format("the system depended on the stick: {} of {} files failed verification after the unplug "
                               "(first: {})",
                               bad, checked, first_bad),
                   e);
  return Verdict("ram-copy", true,
                 fmt::format("medium released; after the unplug all {} files match the manifest", checked), e);
}

nlohmann::json ToJson(const DiskEvidence& d) {
  return {{"drive", d.drive},
          {"image", d.image},
          {"sha256_before", d.hash_before},
          {"sha256_after", d.hash_after},
          {"wr_operations", d.wr_operations},
          {"wr_bytes", d.wr_bytes},
          {"overlay_allocated_bytes", d.overlay_allocated_bytes}};
}

CheckResult CheckNoDiskWrites(const std::vector<DiskEvidence>& disks) {
  nlohmann::json evidence = nlohmann::json::array();
  std::string problem;
  for (const auto& d : disks) {
    evidence.push_back(ToJson(d));
    if (!problem.empty()) continue;
    if (d.wr_operations != 0 || d.wr_bytes != 0)
      problem = fmt::format("{}: {} write operations, {} bytes written", d.drive, d.wr_operations, d.wr_bytes);
    else if (d.overlay_allocated_bytes != 0)
      problem = fmt::format("{}: {} bytes allocated in its overlay", d.drive, d.overlay_allocated_bytes);
    else if (d.hash_before != d.hash_after)
      problem = fmt::format("{}: the image {} changed", d.drive, d.image);
  }
  if (!problem.empty()) return Verdict("no-disk-writes", false, problem, evidence);
  return Verdict("no-disk-writes", true, fmt::format("{} disk(s): 0 writes, images unchanged", disks.size()), evidence);
}

CheckResult CheckInternalDiskUntouched(const DiskEvidence& disk, const std::string& guest_name,
                                       const nlohmann::json& mounts, const nlohmann::json& swaps) {
  nlohmann::json evidence = {{"disk", ToJson(disk)}, {"guest_name", guest_name}, {"mounts", mounts}, {"swaps", swaps}};
  if (!guest_name.empty()) {
    std::string device = "/dev/" + guest_name;
    for (const auto& m : Objects(mounts))
      if (StringField(m, "source").rfind(device, 0) == 0)
        return Verdict("internal-disk-untouched", false,
                       fmt::format("{} was mounted at {}", StringField(m, "source"), StringField(m, "mount_point")), evidence);
    for (const auto& s : Objects(swaps))
      if (StringField(s, "device").rfind(device, 0) == 0)
        return Verdict("internal-disk-untouched", false, fmt::format("{} was used as swap", StringField(s, "device")),
                       evidence);
  }
  if (disk.wr_operations != 0 || disk.wr_bytes != 0 || disk.hash_before != disk.hash_after ||
      disk.overlay_allocated_bytes != 0)
    return Verdict("internal-disk-untouched", false,
                   fmt::format("the internal disk was written: {} operations, {} bytes", disk.wr_operations,
                               disk.wr_bytes),
                   evidence);
  return Verdict("internal-disk-untouched", true,
                 fmt::format("internal disk ({}) never mounted, never swap, never written",
                             guest_name.empty() ? "not seen by the guest" : guest_name),
                 evidence);
}

bool BootTimedInHostClock(const std::vector<std::string>& expected) {
  return std::find(expected.begin(), expected.end(), "root-ready") == expected.end();
}

CheckResult CheckBootTiming(const std::vector<PhaseTiming>& phases, const std::vector<std::string>& expected,
                            const ResolvedBudget& budget) {
  nlohmann::json evidence = {{"phases", nlohmann::json::array()}, {"budget", budget.ToJson()}};
  for (const auto& p : phases)
    evidence["phases"].push_back(
        {{"phase", p.phase}, {"guest_seconds", p.guest_seconds}, {"host_seconds", p.host_seconds}});
  // livecheck's images are timed to root-ready in guest time; an image
  // without markers to its ready pattern, in host time since QEMU started.
  bool marked = !BootTimedInHostClock(expected);
  std::string budget_phase = marked ? "root-ready" : (expected.empty() ? "" : expected.back());
  const char* clock = marked ? "guest time" : "after QEMU started";
  size_t next = 0;
  double reached = -1;
  for (const auto& p : phases) {
    if (next < expected.size() && p.phase == expected[next]) ++next;
    if (p.phase == budget_phase && reached < 0) reached = p.seconds();
  }
  evidence["measured_seconds"] = reached;
  if (!budget.error.empty()) return {"boot-timing", Status::kError, budget.error, evidence};
  if (next < expected.size())
    return Verdict("boot-timing", false, fmt::format("phase '{}' never reported (or out of order)", expected[next]),
                   evidence);
  if (budget.seconds > 0 && reached > budget.seconds)
    return Verdict("boot-timing", false,
                   fmt::format("{} at {:.2f} s {}, over the budget of {:.2f} s ({})", budget_phase, reached, clock,
                               budget.seconds, budget.basis),
                   evidence);
  std::string within = budget.seconds > 0 ? fmt::format(", within {:.2f} s ({})", budget.seconds, budget.basis) : "";
  return Verdict("boot-timing", true,
                 fmt::format("all {} phases in order; {} at {:.2f} s {}{}", expected.size(), budget_phase, reached,
                             clock, within),
                 evidence);
}

namespace {

// The mount that holds `path`: the longest mount point that is a prefix of it.
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

}  // namespace

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
  std::string options = StringField(*root, "options");
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

CheckResult CheckRamCopyReadback(const nlohmann::json& evidence) {
  std::string before = StringField(evidence, "digests_before");
  std::string after = StringField(evidence, "digests_after");
  if (!BoolField(evidence, "unplugged", false))
    return Verdict("ram-copy", false, "the stick was not unplugged", evidence);
  if (before.empty() || IntField(evidence, "status_before", -1) != 0)
    return {"ram-copy", Status::kError, "could not read the files before the unplug", evidence};
  if (auto error = StringField(evidence, "verify_error"); !error.empty())
    return Verdict("ram-copy", false, "after the stick was pulled: " + error, evidence);
  if (IntField(evidence, "status_after", -1) != 0 || after != before)
    return Verdict("ram-copy", false,
                   fmt::format("after the stick was pulled, reading the files back failed (exit status {}) or "
                               "gave other digests: the system still depends on the stick",
                               IntField(evidence, "status_after", -1)),
                   evidence);
  size_t files = static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  return Verdict("ram-copy", true,
                 fmt::format("the stick was pulled; {} files read back with the same digests", files), evidence);
}

CheckResult CheckCanary(const nlohmann::json& evidence) {
  int written = 0;
  for (const auto& p : Objects(Field(evidence, "planted"))) written += BoolField(p, "written", false);
  if (written == 0) return {"canary", Status::kError, "the guest could not write the canary anywhere", evidence};
  auto findings = Objects(Field(evidence, "findings"));
  if (!findings.empty()) {
    const auto& f = findings.front();
    std::string where = FieldPtr(f, "guest_offset") && (*FieldPtr(f, "guest_offset")).is_number()
                            ? fmt::format("byte {} of the {} disk", IntField(f, "guest_offset", -1), StringField(f, "drive"))
                            : fmt::format("byte {} of {}", IntField(f, "file_offset", -1), StringField(f, "file"));
    return Verdict("canary", false,
                   fmt::format("the session's canary was found on disk {} time(s), first at {}", findings.size(), where),
                   evidence);
  }
  int64_t bytes = 0;
  for (const auto& f : Objects(Field(evidence, "scanned"))) bytes += IntField(f, "bytes", 0);
  return Verdict("canary", true,
                 fmt::format("written to {} place(s) in the guest; not in any of {} disk file(s) ({:.1f} MiB scanned)",
                             written, Objects(Field(evidence, "scanned")).size(), bytes / 1048576.0),
                 evidence);
}

CheckResult CheckRamResidue(const nlohmann::json& evidence) {
  auto secret = ObjectField(evidence, "secret");
  if (!BoolField(secret, "written", false) || !BoolField(secret, "unmounted", false))
    return {"ram-residue", Status::kError,
            fmt::format("the secret could not be written to a tmpfs and unmounted ({})", StringField(secret, "errno", "?")),
            evidence};
  int64_t count = IntField(evidence, "count", -1), max = IntField(evidence, "max", 0);
  if (count < 0) return {"ram-residue", Status::kError, "no memory dump to count in", evidence};
  return Verdict("ram-residue", count <= max,
                 fmt::format("{} cop{} of the secret in {:.0f} MiB of guest RAM after its tmpfs was unmounted "
                             "(allowed: {})",
                             count, count == 1 ? "y" : "ies", IntField(evidence, "dump_bytes", 0) / 1048576.0, max),
                 evidence);
}

}  // namespace livecheck
