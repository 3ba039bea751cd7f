#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/boot_budget.h"

namespace livecheck {

namespace fs = std::filesystem;

struct ScenarioStep {
  enum class Kind { kWait, kCheck, kUnplug, kSleep, kPoweroff, kWorkload, kRun, kWaitConsole };
  Kind kind = Kind::kWait;
  std::string arg;       ///< phase name, check name, device ("stick"), workload name, command, console pattern
  double seconds = 0;    ///< kSleep; kRun: the command's timeout; kWaitConsole: the wait's (before scaling)
  std::string where;     ///< "file:line"
  int expect_exit = 0;   ///< kRun
  std::string expect_output;  ///< kRun: a regex one line of the output must match ("" none)
};

/// One behaviour to verify, on every variant it applies to.
/// internal_disks lists at most this many (machine/qemu_args.h's
/// kMaxInternalDisks: the q35 machine's free AHCI ports).
inline constexpr size_t kMaxScenarioInternalDisks = 4;

struct Scenario {
  std::string name;  ///< the file's stem
  fs::path file;
  std::string description;
  std::vector<std::string> variants;  ///< glob patterns on variant names; empty: all
  std::vector<std::string> boots;     ///< glob patterns on boot paths; empty: all
  std::optional<bool> toram;          ///< only variants with (or without) toram
  /// The whole run, as written; runs multiply it by the host's timeout scale
  /// (the host reference, and LIVECHECK_TIMEOUT_SCALE).
  double timeout_seconds = 300;
  bool internal_disk = false;         ///< attach an ext4 "internal disk" with a known file
  /// which ones (evidence/hazard_disk.h), one disk each: internal_disk =
  /// "NAME" or internal_disks = ["NAME", ...] (at most kMaxInternalDisks)
  std::vector<std::string> internal_disk_hazards = {"realistic"};
  std::string internal_disk_bus = "ahci";  ///< ahci, nvme or virtio
  std::string usb = "xhci";           ///< how the stick is emulated: xhci, ehci or uas
  bool stick_removable = true;        ///< the stick reports removable media (false: fixed, as USB SSDs do)
  /// A second stick with the medium's label and files (decoy_stick.h):
  /// "" none, "after" the medium on the USB bus, "before" it (which one
  /// the guest names first is still a race).
  std::string decoy_stick;
  bool iso_as_usb = false;            ///< iso variants: boot the ISO as a USB stick, not a CD
  BootBudget boot_budget;             ///< boot-timing: root-ready within this (seconds or "3x")
  int64_t ram_residue_max = 0;        ///< ram-residue: copies of the secret allowed in RAM
  std::vector<ScenarioStep> steps;
};

struct ScenarioResult {
  Scenario scenario;
  std::vector<std::string> errors;
};

/// Parses a scenario; errors are "file:line:col: message", in file order.
ScenarioResult ParseScenario(std::string_view text, const fs::path& file);

/// A step as the scenario file says it: "wait agent-ready", "check canary",
/// "unplug stick", "sleep 5", "poweroff", "workload small-files".
std::string StepLabel(const ScenarioStep& step);

/// Loads scenario files and directories (every *.toml inside, sorted).
/// Throws Error listing every problem.
std::vector<Scenario> LoadScenarios(const std::vector<fs::path>& paths);

/// Whether a scenario runs on a variant with this name, boot path and toram flag.
bool ScenarioApplies(const Scenario& scenario, const std::string& variant, const std::string& boot, bool toram);

/// The checks a scenario names, in step order, each once.
std::vector<std::string> ScenarioChecks(const Scenario& scenario);

}  // namespace livecheck
