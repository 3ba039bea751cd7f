#include "evidence/check_replay.h"

#include "common/json_fields.h"
#include "evidence/checks.h"
#include "evidence/command_check.h"
#include "evidence/console_pattern_check.h"
#include "evidence/mount_facts.h"

namespace livecheck {
namespace {

std::vector<DiskEvidence> DisksOf(const nlohmann::json& evidence) {
  // no-disk-writes keeps a list of disks, or {disks, file_changes} once the
  // changed files were named.
  const nlohmann::json& list = evidence.is_object() ? Field(evidence, "disks") : evidence;
  std::vector<DiskEvidence> disks;
  if (list.is_array())
    for (const auto& d : list) disks.push_back(DiskEvidenceFromJson(d));
  return disks;
}

std::vector<std::string> Strings(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& s : j)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

std::optional<CheckResult> Decide(const CheckResult& c, const std::vector<PhaseTiming>& phases,
                                  const std::vector<RootfsEntry>* rootfs, std::string& why_not) {
  const auto& e = c.evidence;
  if (c.name == "lower-readonly") return CheckLowerReadonly(e);
  if (c.name == "upper-tmpfs") return CheckUpperTmpfs(e);
  if (c.name == "union-root") return CheckUnionRoot(Field(e, "mounts"));
  if (c.name == "canary") return CheckCanary(e);
  if (c.name == "ram-residue") return CheckRamResidue(e);
  if (c.name == "no-disk-writes") return CheckNoDiskWrites(DisksOf(e));
  if (c.name == "own-medium") return CheckOwnMedium(e);
  if (IsCommandCheckName(c.name)) return CheckCommandResult(e);
  if (IsConsolePatternCheckName(c.name)) return CheckConsolePattern(e);
  if (c.name == "internal-disk-untouched" && e.is_object() && e.contains("per_disk")) {
    std::vector<CheckResult> each;
    std::vector<std::string> drives;
    for (const auto& d : Field(e, "per_disk")) {
      each.push_back(CheckInternalDiskUntouched(DiskEvidenceFromJson(Field(d, "disk")), StringField(d, "guest_name"),
                                                Field(d, "mounts"), Field(d, "swaps"), Field(d, "trace")));
      drives.push_back(StringField(Field(d, "disk"), "drive"));
    }
    if (each.empty()) {
      why_not = "its evidence lists no disk";
      return std::nullopt;
    }
    return CombineInternalDiskVerdicts(drives, each);
  }
  if (c.name == "internal-disk-untouched")
    return CheckInternalDiskUntouched(DiskEvidenceFromJson(Field(e, "disk")), StringField(e, "guest_name"),
                                      Field(e, "mounts"), Field(e, "swaps"), Field(e, "trace"));
  if (c.name == "boot-timing") {
    if (!e.is_object() || !e.contains("expected")) {
      why_not = "its evidence names no expected phases (a report from before livecheck kept them)";
      return std::nullopt;
    }
    return CheckBootTiming(phases, Strings(e["expected"]), ResolvedBudget::FromJson(Field(e, "budget")));
  }
  if (c.name == "ram-copy") {
    if (e.is_object() && e.contains("digests_before")) return CheckRamCopyReadback(e);
    if (!rootfs) {
      why_not = "deciding it needs the variant's file list, which the bundle does not hold";
      return std::nullopt;
    }
    return CheckRamCopy(e, *rootfs);
  }
  why_not = "no such check";
  return std::nullopt;
}

}  // namespace

bool HasEvidence(const nlohmann::json& evidence) {
  return !evidence.is_null() && !((evidence.is_object() || evidence.is_array()) && evidence.empty());
}

Replay ReplayCheck(const CheckResult& stored, const std::vector<PhaseTiming>& phases,
                   const std::vector<RootfsEntry>* rootfs) {
  if (!HasEvidence(stored.evidence)) return {.why_not = "no evidence kept with it"};
  Replay replay;
  try {
    auto decided = Decide(stored, phases, rootfs, replay.why_not);
    if (!decided) return replay;
    replay.replayed = true;
    replay.status = decided->status;
  } catch (const std::exception& e) {
    // Evidence edited into a shape the check cannot read is a finding too.
    replay.replayed = true;
    replay.status = Status::kError;
  }
  return replay;
}

}  // namespace livecheck
