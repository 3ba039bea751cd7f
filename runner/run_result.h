#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/check_result.h"
#include "runner/error_cause.h"

namespace livecheck {

/// How long one part of a run took on the host: a scenario step ("check
/// ram-copy", "wait agent-ready") or the harness's own work around it
/// ("start", "stop", "disk-evidence"), so a reader sees where a run's time went.
struct StepTiming {
  std::string step;
  double seconds = 0;
};

/// One attempt at a run, as kept when an infrastructure ERROR was retried.
struct RunAttempt {
  int attempt = 1;
  Status status = Status::kSkip;
  std::string error;
  ErrorCause cause = ErrorCause::kNone;
  double wall_seconds = 0;
  std::string console_log;  ///< relative to the report directory
};

/// One (scenario, variant, repetition) run.
struct RunResult {
  std::string scenario;
  std::string variant;
  int repetition = 1;
  Status status = Status::kSkip;
  std::string error;  ///< for ERROR: what went wrong
  ErrorCause error_cause = ErrorCause::kNone;  ///< for ERROR: the image's or the host's (retryable)
  int attempt = 1;                             ///< which attempt this result is (--retry-errors)
  /// Every attempt, in order, this one last (one unless an infrastructure
  /// ERROR was retried); the earlier ones' console logs are kept too.
  std::vector<RunAttempt> attempts;
  /// An earlier attempt ended in an infrastructure ERROR and this one did not.
  bool flaky = false;
  std::vector<CheckResult> checks;
  std::vector<PhaseTiming> phases;
  std::vector<StepTiming> steps;  ///< in the order they ran
  double wall_seconds = 0;
  double timeout_seconds = 0;  ///< the scenario's timeout as this run applied it (scaled)
  std::string console_log;   ///< relative to the report directory
  std::string console_tail;  ///< last lines, for failures
  std::vector<nlohmann::json> qmp_events;
  /// Every drive's read/write counters after each part of the run
  /// (BlockCounterSample), so a write can be placed in time.
  std::vector<nlohmann::json> block_counters;
  /// What the guest's kernel mounted, replayed, unmounted or swapped on
  /// during the session (MountEvent JSON, evidence/mount_trace.h).
  std::vector<nlohmann::json> mount_trace;
  /// The guest's block devices as the agent last listed them (name, size,
  /// removable, read-only, where mounted): which disks the system saw, and
  /// whether it saw the stick as removable.
  std::vector<nlohmann::json> guest_block_devices;
  /// The hazard report (evidence/hazard_report.h): each internal disk's
  /// hazard and how far the guest went with it.
  std::vector<nlohmann::json> hazards;
  std::string machine_definition;  ///< QEMU's argv or the domain XML, relative to the report directory
  std::vector<nlohmann::json> workloads;  ///< figures of workload steps, in order
  std::string boot_options;               ///< extra kernel arguments of this run (e.g. live.union=...)
  std::string machine = "qemu";           ///< where it ran: "qemu", or "libvirt <connection URI>"
  std::string kernel_entry;               ///< "pvh", "bzimage" or "bootloader" (see KernelEntryFor)
  /// What livecheck added to a system it did not build (the agent appended
  /// to the initrd, the changed command line), so a forensic reader knows
  /// the system under test ran one extra process; "" when nothing.
  std::string injected;
};

/// Everything one `livecheck run` found; the reports are views of it.
struct RunReport {
  std::string started_at;  ///< UTC, ISO 8601
  std::string accel;
  std::string accel_reason;
  std::string cpu;         ///< the guests' QEMU -cpu
  nlohmann::json host;     ///< hostname, kernel, qemu version, cpus
  nlohmann::json host_reference;  ///< the calibration boot (HostReference as JSON); null: none
  double timeout_scale = 1;       ///< what every timeout was multiplied by
  std::string ovmf_vars;          ///< UEFI runs' starting variable store (PrepareFirmwareVars); "" without UEFI runs
  bool interrupted = false;
  int64_t peak_rss_kib = -1;  ///< livecheck's own peak resident memory (VmHWM), -1 unknown
  std::vector<RunResult> results;
};

}  // namespace livecheck
