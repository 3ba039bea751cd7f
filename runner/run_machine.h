#pragma once
// The machine a run boots, described from its request: the variant's
// medium (or the user's image) through overlays in the run's session, the
// boot path, the USB and disk buses the scenario asks for.
#include "machine/qemu_args.h"
#include "machine/vm_session.h"
#include "runner/scenario_runner.h"

namespace livecheck {

/// How the run enters the guest kernel: "pvh" (the variant's extracted
/// vmlinux, unless options ask for the bzImage), "bzimage" (-kernel with
/// vmlinuz or the user's --kernel) or "bootloader" (the medium's own).
std::string KernelEntryFor(const RunRequest& request, const RunOptions& options);

/// Attaches the run's disks to `session` (overlays, read-only CDs, a
/// private OVMF vars copy) and describes the machine.
MachineDescription DescribeMachine(const RunRequest& request, const RunOptions& options, VmSession& session);

/// With `--guest agent`: a copy of the image's initrd in the session with
/// livecheck's agent appended, rdinit= on the command line and the agent's
/// port attached (builder/agent_injection.h). Returns what was injected, for
/// the report; "" when nothing was.
std::string InjectGuestAgent(const RunRequest& request, MachineDescription& machine, VmSession& session);

/// Whether the run's firmware is OVMF (a usb-uefi medium booted by its own
/// bootloader).
bool BootsThroughOvmf(const RunRequest& request);

/// When any request boots through OVMF: sets the variable store its runs
/// start from (machine/ovmf_vars.h; cached in `cache_dir`) in `options` and
/// returns how it was made, for the log and the report. "" without such runs.
std::string PrepareFirmwareVars(const std::vector<RunRequest>& requests, const fs::path& cache_dir, RunOptions& options);

}  // namespace livecheck
