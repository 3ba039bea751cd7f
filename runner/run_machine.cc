#include "runner/run_machine.h"

#include <algorithm>

#include <fmt/format.h>

#include "builder/agent_injection.h"
#include "builder/rootfs.h"
#include "common/file_util.h"
#include "machine/decoy_stick.h"
#include "machine/ovmf_vars.h"

namespace livecheck {
namespace {

void AttachInternalDisks(const RunRequest& request, MachineDescription& machine, VmSession& session) {
  if (!request.scenario.internal_disk) return;
  for (size_t i = 0; i < request.internal_disks.size(); ++i)
    machine.internal_disks.push_back(session.AddOverlay(InternalDriveName(i), request.internal_disks[i]));
}

// The decoy, made from the medium's own image (a stick or an ISO, also when
// the ISO boots as a CD: a stick with the CD's label is a decoy too).
void AttachDecoy(const RunRequest& request, const fs::path& medium, MachineDescription& machine, VmSession& session) {
  if (request.scenario.decoy_stick.empty()) return;
  machine.decoy_stick = session.dir() / "decoy.qcow2";
  machine.decoy_first = request.scenario.decoy_stick == "before";
  MakeDecoyStick(medium, machine.decoy_stick);
}

BootMode BootModeFor(const std::string& boot) {
  if (boot == "usb-bios") return BootMode::kBiosUsb;
  if (boot == "usb-uefi") return BootMode::kUefiUsb;
  if (boot == "iso") return BootMode::kBiosCdrom;
  return BootMode::kDirectKernel;
}

// A medium nobody here built: its own bootloader, or --kernel/--initrd with
// it attached. ttyS0 is a socket (the console shell) and still logged.
// The scenario's hardware, the same for built variants and foreign media:
// how the stick is emulated and whether it says removable, the internal
// disks' bus.
void ApplyScenarioHardware(const Scenario& s, MachineDescription& machine) {
  machine.usb = s.usb == "ehci" ? UsbEmulation::kEhci : s.usb == "uas" ? UsbEmulation::kUas : UsbEmulation::kXhci;
  machine.stick_removable = s.stick_removable;
  machine.internal_disk_bus = s.internal_disk_bus == "nvme"     ? DiskBus::kNvme
                              : s.internal_disk_bus == "virtio" ? DiskBus::kVirtio
                                                                : DiskBus::kAhci;
}

// The firmware writes its variables: each UEFI run gets a private copy of
// the store the runs start from.
void CopyVariableStore(const RunOptions& options, VmSession& session, MachineDescription& machine) {
  if (machine.boot != BootMode::kUefiUsb) return;
  machine.ovmf_vars = session.dir() / "OVMF_VARS.fd";
  ReplaceWithCopy(options.ovmf_vars, machine.ovmf_vars);
}

MachineDescription DescribeExternalMachine(const RunRequest& request, const RunOptions& options, VmSession& session) {
  const auto& x = *request.external;
  MachineDescription machine{.accel = options.accel,
                             .cpu = options.cpu,
                             .memory_mb = x.memory_mb,
                             .serial_log = session.console_log(),
                             .console_socket = session.console_socket(),
                             .qmp_socket = session.qmp_socket(),
                             .no_shutdown = true};
  machine.boot = x.boot == "usb-uefi" ? BootMode::kUefiUsb : x.boot == "cdrom" ? BootMode::kBiosCdrom : BootMode::kBiosUsb;
  if (x.boot == "cdrom") {
    machine.cdrom = x.image;
    session.AddReadOnly("cd", x.image);
  } else {
    machine.stick = session.AddOverlay("stick", x.image);
    machine.stick_format = "qcow2";
    machine.stick_read_only = false;
  }
  if (!x.kernel.empty()) {
    machine.boot = BootMode::kDirectKernel;
    machine.kernel = KernelEntryFor(request, options) == "pvh" ? x.pvh_kernel : x.kernel;
    machine.initrd = x.initrd;
    machine.append = x.append;
  }
  CopyVariableStore(options, session, machine);
  ApplyScenarioHardware(request.scenario, machine);
  AttachDecoy(request, x.image, machine, session);
  AttachInternalDisks(request, machine, session);
  return machine;
}

}  // namespace

std::string InjectGuestAgent(const RunRequest& request, MachineDescription& machine, VmSession& session) {
  if (!request.external || request.external->guest != "agent") return "";
  auto injection = InjectAgent(machine.initrd, machine.append, AgentPath(), session.dir() / "initrd-with-agent.img");
  machine.initrd = injection.initrd;
  machine.append = injection.append;
  machine.agent_socket = session.agent_socket();
  return fmt::format("livecheck-agent ({} bytes, sha256 {}) appended to {} as a {}-byte cpio archive and started as "
                     "rdinit={} before the image's own /init; kernel command line: {}",
                     injection.agent_bytes, injection.agent_sha256, request.external->initrd.filename().string(),
                     injection.archive_bytes, kInjectedInit, injection.append);
}

std::string KernelEntryFor(const RunRequest& request, const RunOptions& options) {
  if (request.external) {
    if (request.external->kernel.empty()) return "bootloader";
    return request.external->pvh_kernel.empty() || options.kernel_entry == "bzimage" ? "bzimage" : "pvh";
  }
  if (BootModeFor(request.manifest.boot) != BootMode::kDirectKernel) return "bootloader";
  if (options.kernel_entry == "bzimage" || !FindArtifact(request.manifest, "kernel-elf")) return "bzimage";
  return "pvh";
}

bool BootsThroughOvmf(const RunRequest& request) {
  if (request.external) return request.external->boot == "usb-uefi" && request.external->kernel.empty();
  return BootModeFor(request.manifest.boot) == BootMode::kUefiUsb;
}

std::string PrepareFirmwareVars(const std::vector<RunRequest>& requests, const fs::path& cache_dir, RunOptions& options) {
  if (std::none_of(requests.begin(), requests.end(), BootsThroughOvmf)) return "";
  auto vars = PrepareOvmfVars(options.accel, cache_dir);
  options.ovmf_vars = vars.path;
  return vars.source;
}

MachineDescription DescribeMachine(const RunRequest& request, const RunOptions& options, VmSession& session) {
  if (request.external) return DescribeExternalMachine(request, options, session);
  const auto& m = request.manifest;
  MachineDescription machine{.boot = BootModeFor(m.boot),
                             .accel = options.accel,
                             .cpu = options.cpu,
                             .serial_log = session.console_log(),
                             .qmp_socket = session.qmp_socket(),
                             .agent_socket = session.agent_socket(),
                             .no_shutdown = true};
  const auto& dir = request.variant_dir;
  if (machine.boot == BootMode::kDirectKernel) {
    machine.kernel = dir / (KernelEntryFor(request, options) == "pvh" ? "vmlinux" : "vmlinuz");
    machine.initrd = dir / "initrd.img";
    machine.append = m.kernel_cmdline;
    if (!request.extra_append.empty()) machine.append += " " + request.extra_append;
  }
  const auto& s = request.scenario;
  ApplyScenarioHardware(s, machine);
  if (machine.boot == BootMode::kBiosCdrom && s.iso_as_usb) {
    machine.boot = BootMode::kBiosUsb;  // the hybrid ISO written to a stick
    machine.stick = session.AddOverlay("stick", dir / "live.iso");
    machine.stick_format = "qcow2";
    machine.stick_read_only = false;
  } else if (machine.boot == BootMode::kBiosCdrom) {
    machine.cdrom = dir / "live.iso";
    session.AddReadOnly("cd", machine.cdrom);
  } else {
    machine.stick = session.AddOverlay("stick", dir / "stick.img");
    machine.stick_format = "qcow2";
    machine.stick_read_only = false;
  }
  CopyVariableStore(options, session, machine);
  ApplyScenarioHardware(request.scenario, machine);
  AttachDecoy(request, BootModeFor(m.boot) == BootMode::kBiosCdrom ? dir / "live.iso" : dir / "stick.img", machine,
              session);
  AttachInternalDisks(request, machine, session);
  return machine;
}

}  // namespace livecheck
