#include "evidence/ram_copy_check.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "common/json_fields.h"
#include "evidence/mount_facts.h"

namespace livecheck {

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

}  // namespace livecheck
