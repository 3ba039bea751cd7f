#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio.hpp>

#include "builder/manifest.h"
#include "runner/run_result.h"
#include "machine/external_image.h"
#include "machine/host_reference.h"
#include "machine/ovmf_vars.h"
#include "runner/scenario.h"

namespace livecheck {

namespace asio = boost::asio;
namespace fs = std::filesystem;

struct RunOptions {
  std::string accel = "tcg";
  std::string cpu;  ///< QEMU -cpu (--cpu); empty: the accelerator's default
  /// Multiplies every timeout: the host reference's scale times
  /// LIVECHECK_TIMEOUT_SCALE (see TimeoutScaleFor).
  double timeout_scale = 1.0;
  HostReference reference;  ///< relative boot budgets are multiples of it
  fs::path report_dir;                  ///< console logs go to report_dir/logs
  fs::path runtime_parent = "/tmp";     ///< where private VM directories are made
  bool keep = false;                    ///< keep runtime directories (--keep)
  /// When a disk was written, list the files that changed (libguestfs).
  bool disk_diff = true;
  std::string backend = "qemu";  ///< "qemu" (livecheck runs QEMU) or "libvirt"
  /// Direct boots: "auto" enters through PVH when the variant has a
  /// vmlinux, "bzimage" always boots vmlinuz (--kernel-entry).
  std::string kernel_entry = "auto";
  /// What each UEFI run's private variable store is copied from (see
  /// PrepareFirmwareVars).
  fs::path ovmf_vars = kOvmfVarsTemplate;
  /// Called (on the runner's thread) when a run enters a new phase: a guest
  /// marker, "agent-ready", "checking", "stopping".
  std::function<void(const std::string& run_id, const std::string& phase)> on_phase;
};

/// One (scenario, variant, repetition) to run.
struct RunRequest {
  Scenario scenario;
  BuildManifest manifest;
  fs::path variant_dir;
  int repetition = 1;
  std::string extra_append;  ///< more kernel arguments (direct boots), e.g. "live.union=unionfs-fuse"
  std::string label;         ///< tells runs of one variant apart in ids and log names (e.g. the backend)
  /// Set for `--image`: a medium livecheck did not build, driven through a
  /// console shell instead of the agent (manifest then only names it).
  std::optional<ExternalImage> external;
  std::string connect_uri;  ///< --backend libvirt: the connection this run goes to
  int attempt = 1;          ///< > 1 when an infrastructure ERROR is retried (--retry-errors)
  std::vector<fs::path> internal_disks;  ///< the internal disk images when the scenario attaches them (never written)
  std::vector<std::string> internal_disk_names;  ///< each one's hazard, or the user's image as given
};

/// Boots the variant, runs the scenario's steps and checks, stops the VM and
/// returns the result. Never throws: failures become ERROR results with the
/// reason and the console's tail.
asio::awaitable<RunResult> RunScenario(RunRequest request, RunOptions options);

/// "scenario--variant--r1" (or "scenario--variant--label--r1"), safe as a file name.
std::string RunId(const RunRequest& request);

}  // namespace livecheck
