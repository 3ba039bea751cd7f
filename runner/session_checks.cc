#include "runner/session_checks.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/json_fields.h"
#include "evidence/checks.h"
#include "evidence/hazard_report.h"
#include "evidence/internal_disk.h"
#include "evidence/mount_trace.h"
#include "evidence/stacked_devices.h"
#include "machine/decoy_stick.h"
#include "machine/qemu_args.h"
#include "runner/boot_budget.h"
#include "runner/guest_access.h"
#include "runner/trace_steps.h"

namespace livecheck {
namespace {

// The guest's names for the internal disks. On AHCI the i-th disk is on
// port 2 + i, which the kernel calls ata(3 + i) in the device's sysfs path
// (the agent gives it): names follow probe order, which is a race. Else
// (and for a console shell's list) the first non-removable disk of its size
// not taken by an earlier one.
std::vector<std::string> InternalDiskNames(const nlohmann::json& block_devices, const RunRequest& request) {
  std::vector<std::string> names;
  if (request.scenario.internal_disk_bus == "ahci") {
    for (size_t i = 0; i < request.internal_disks.size(); ++i) {
      std::string port = fmt::format("/ata{}/", 3 + i), found;
      for (const auto& d : block_devices)
        if (StringField(d, "sys_path").find(port) != std::string::npos && StringField(d, "sys_path").find("/block/") != std::string::npos) {
          auto name = StringField(d, "name");
          if (found.empty() || name.size() < found.size()) found = name;  // the disk, not its partitions
        }
      names.push_back(found);
    }
    if (std::find(names.begin(), names.end(), "") == names.end()) return names;
    names.clear();
  }
  for (const auto& image : request.internal_disks) {
    std::error_code ec;
    auto bytes = fs::file_size(image, ec);
    if (ec) bytes = kInternalDiskBytes;
    std::string found;
    for (const auto& d : block_devices) {
      auto name = StringField(d, "name");
      if (IntField(d, "bytes", 0) == static_cast<int64_t>(bytes) && !BoolField(d, "removable", true) &&
          std::find(names.begin(), names.end(), name) == names.end()) {
        found = name;
        break;
      }
    }
    names.push_back(found);
  }
  return names;
}

// The session's mount trace: the kernel's ring buffer as the agent last read
// it, else what the console showed of it; then the activations the kernel
// does not log (LVM, dm-crypt), from the guest's block devices.
nlohmann::json MountTrace(const RunContext& ctx) {
  std::vector<std::string> lines;
  const auto& log = ctx.disk_facts.contains("kernel_log") ? ctx.disk_facts["kernel_log"] : nlohmann::json::array();
  for (const auto& l : log)
    if (l.is_string()) lines.push_back(l.get<std::string>());
  if (lines.empty()) lines = ctx.console.storage_lines;
  nlohmann::json trace = nlohmann::json::array();
  for (const auto& e : ParseMountTrace(lines)) trace.push_back(ToJson(e));
  for (const auto& e : StackedDeviceEvents(ctx.disk_facts.value("stacked", nlohmann::json::array())))
    trace.push_back(ToJson(e));
  return trace;
}

// What the session showed, kept in the result beside the verdicts: the
// mount trace, the guest's block devices, the hazard report.
void RecordSessionFacts(RunContext& ctx, const std::vector<DiskEvidence>& disks, const nlohmann::json& devices,
                        const std::vector<std::string>& guest_names, const nlohmann::json& trace) {
  ctx.result.mount_trace.assign(trace.begin(), trace.end());
  if (devices.is_array())
    for (const auto& d : devices)
      if (ctx.result.guest_block_devices.size() < 256) ctx.result.guest_block_devices.push_back(d);
  std::vector<AttachedDisk> attached;
  const auto& r = ctx.request;
  for (size_t i = 0; i < r.internal_disks.size(); ++i)
    attached.push_back({InternalDriveName(i),
                        i < r.internal_disk_names.size() ? r.internal_disk_names[i] : r.internal_disks[i].string(),
                        guest_names[i]});
  auto counters = ctx.result.block_counters.empty() ? nlohmann::json::object() : ctx.result.block_counters.back();
  for (const auto& h : HazardReport(attached, disks, trace, counters)) ctx.result.hazards.push_back(h);
}

}  // namespace

void DecideSessionChecks(RunContext& ctx, const std::vector<DiskEvidence>& disks,
                         const std::map<std::string, DiskDiff>& diffs) {
  auto& checks = ctx.result.checks;
  auto devices = ctx.disk_facts.value("block_devices", nlohmann::json::array());
  auto guest_names = InternalDiskNames(devices, ctx.request);
  auto trace = MountTrace(ctx);
  RecordSessionFacts(ctx, disks, devices, guest_names, trace);
  for (const auto& name : ctx.deferred_checks) {
    if (name == "no-disk-writes") {
      checks.push_back(CheckNoDiskWrites(disks));
      AddFileChanges(checks.back(), diffs, "");
    }
    if (name == "canary") checks.push_back(ScanForCanary(ctx));
    if (name == "own-medium") {
      auto drives = ctx.result.block_counters.empty() ? nlohmann::json::object()
                                                      : ctx.result.block_counters.back().value("drives", nlohmann::json::object());
      const auto& r = ctx.request;
      bool cd = r.external ? r.external->boot == "cdrom" : r.manifest.boot == "iso" && !r.scenario.iso_as_usb;
      auto decoy_devices = nlohmann::json::array();
      for (const auto& d : devices)
        if (StringField(d, "usb_serial") == kDecoySerial) decoy_devices.push_back(d);
      checks.push_back(
          CheckOwnMedium(OwnMediumEvidence(!r.scenario.decoy_stick.empty(), cd ? "cd" : "stick", drives, decoy_devices)));
    }
    if (name == "boot-timing") {
      auto expected = ctx.access.ExpectedPhases(ctx);
      auto budget = ResolveBootBudget(ctx.request.scenario.boot_budget, ctx.options.reference,
                                      BootTimedInHostClock(expected));
      checks.push_back(CheckBootTiming(ctx.console.phases, expected, budget));
    }
    if (name == "internal-disk-untouched") {
      const auto& facts = ctx.disk_facts;
      std::vector<CheckResult> each;
      std::vector<std::string> drives;
      for (size_t i = 0; i < ctx.request.internal_disks.size(); ++i) {
        auto drive = InternalDriveName(i);
        auto it = std::find_if(disks.begin(), disks.end(), [&](const DiskEvidence& d) { return d.drive == drive; });
        if (it == disks.end()) continue;
        each.push_back(CheckInternalDiskUntouched(*it, guest_names[i], facts["mounts"], facts["swaps"], trace));
        AddFileChanges(each.back(), diffs, drive);
        drives.push_back(drive);
      }
      if (each.empty()) {
        checks.push_back({name, Status::kError, "the scenario attaches no internal disk", {}});
        continue;
      }
      checks.push_back(CombineInternalDiskVerdicts(drives, each));
    }
  }
}

}  // namespace livecheck
