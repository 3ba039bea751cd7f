#include "evidence/trace_checks.h"

#include <fmt/format.h>

#include "common/json_fields.h"
#include "evidence/mount_facts.h"

namespace livecheck {

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
