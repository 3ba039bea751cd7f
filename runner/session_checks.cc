#include "runner/session_checks.h"

#include <algorithm>

#include "common/json_fields.h"
#include "evidence/checks.h"
#include "evidence/internal_disk.h"
#include "evidence/mount_trace.h"
#include "runner/boot_budget.h"
#include "runner/guest_access.h"
#include "runner/trace_steps.h"

namespace livecheck {
namespace {

// The guest's name for the internal disk: the non-removable disk of its size.
std::string InternalDiskName(const nlohmann::json& block_devices, uint64_t disk_bytes) {
  for (const auto& d : block_devices)
    if (IntField(d, "bytes", 0) == static_cast<int64_t>(disk_bytes) && !BoolField(d, "removable", true))
      return StringField(d, "name");
  return "";
}

uint64_t InternalDiskBytes(const RunRequest& request) {
  std::error_code ec;
  auto bytes = fs::file_size(request.internal_disk, ec);
  return ec ? kInternalDiskBytes : bytes;
}

// The session's mount trace: the kernel's ring buffer as the agent last read
// it, else what the console showed of it.
nlohmann::json MountTrace(const RunContext& ctx) {
  std::vector<std::string> lines;
  const auto& log = ctx.disk_facts.contains("kernel_log") ? ctx.disk_facts["kernel_log"] : nlohmann::json::array();
  for (const auto& l : log)
    if (l.is_string()) lines.push_back(l.get<std::string>());
  if (lines.empty()) lines = ctx.console.storage_lines;
  nlohmann::json trace = nlohmann::json::array();
  for (const auto& e : ParseMountTrace(lines)) trace.push_back(ToJson(e));
  return trace;
}

}  // namespace

void DecideSessionChecks(RunContext& ctx, const std::vector<DiskEvidence>& disks,
                         const std::map<std::string, DiskDiff>& diffs) {
  auto& checks = ctx.result.checks;
  auto trace = MountTrace(ctx);
  ctx.result.mount_trace.assign(trace.begin(), trace.end());
  for (const auto& name : ctx.deferred_checks) {
    if (name == "no-disk-writes") {
      checks.push_back(CheckNoDiskWrites(disks));
      AddFileChanges(checks.back(), diffs, "");
    }
    if (name == "canary") checks.push_back(ScanForCanary(ctx));
    if (name == "boot-timing") {
      auto expected = ctx.access.ExpectedPhases(ctx);
      auto budget = ResolveBootBudget(ctx.request.scenario.boot_budget, ctx.options.reference,
                                      BootTimedInHostClock(expected));
      checks.push_back(CheckBootTiming(ctx.console.phases, expected, budget));
    }
    if (name == "internal-disk-untouched") {
      auto it = std::find_if(disks.begin(), disks.end(), [](const DiskEvidence& d) { return d.drive == "internal"; });
      if (it == disks.end()) {
        checks.push_back({name, Status::kError, "the scenario attaches no internal disk", {}});
        continue;
      }
      const auto& facts = ctx.disk_facts;
      checks.push_back(CheckInternalDiskUntouched(
          *it, InternalDiskName(facts["block_devices"], InternalDiskBytes(ctx.request)), facts["mounts"],
          facts["swaps"], trace));
      AddFileChanges(checks.back(), diffs, "internal");
    }
  }
}

}  // namespace livecheck
