#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "machine/ovmf_vars.h"

namespace livecheck {

namespace fs = std::filesystem;

/// How the machine boots its live medium.
enum class BootMode {
  kDirectKernel,  ///< -kernel/-initrd, the stick holds only the squashfs
  kBiosUsb,       ///< SeaBIOS boots the USB stick
  kUefiUsb,       ///< OVMF boots the USB stick (q35 + pflash)
  kBiosCdrom,     ///< SeaBIOS boots the ISO as a CD
};

/// How the USB stick is emulated: usb-storage on xHCI (default) or EHCI, or UAS.
enum class UsbEmulation { kXhci, kEhci, kUas };
/// The controller of the internal disk.
enum class DiskBus { kAhci, kNvme, kVirtio };

/// A description of one VM; the QEMU command line is a pure function of it.
struct MachineDescription {
  BootMode boot = BootMode::kDirectKernel;
  std::string accel = "tcg";
  std::string cpu;                   ///< -cpu; empty: the accelerator's default (CpuModelFor)
  int memory_mb = 1024;
  fs::path kernel, initrd;
  std::string append;
  fs::path stick;                    ///< USB stick image (raw or qcow2)
  std::string stick_format = "raw";
  bool stick_read_only = true;       ///< attach read-only (the user's image is never written)
  fs::path cdrom;
  fs::path ovmf_code = kOvmfCode;
  fs::path ovmf_vars;                ///< a private, writable copy of the variable store (ovmf_vars.h)
  fs::path serial_log;               ///< ttyS0 to this file
  /// ttyS0 also as a Unix socket (QEMU listens), still logged to serial_log:
  /// the console shell of images without the agent.
  fs::path console_socket;
  fs::path qmp_socket;               ///< empty: no QMP
  /// ttyS1 as a Unix socket (QEMU listens): the guest agent's channel. A
  /// second UART rather than virtio-serial: it needs no guest driver, is
  /// there before any module loads, and its ~85 KB/s is plenty for JSON facts.
  fs::path agent_socket;
  UsbEmulation usb = UsbEmulation::kXhci;
  /// Whether the stick reports removable media, as most flash drives do;
  /// many USB SSDs and some sticks report fixed media, and live stacks
  /// search removable devices first.
  bool stick_removable = true;
  /// A second stick on the same USB bus after the medium (qcow2, see
  /// decoy_stick.h): same label and files, other identities. Empty: none.
  fs::path decoy_stick;
  bool decoy_first = false;          ///< the decoy takes the port before the medium's
  /// qcow2 overlays of the internal disk images, all on internal_disk_bus
  /// (at most kMaxInternalDisks; 2 on the pc machine's IDE).
  std::vector<fs::path> internal_disks;
  DiskBus internal_disk_bus = DiskBus::kAhci;
  bool no_shutdown = false;          ///< keep QEMU after guest poweroff (read counters, then quit)
};

inline constexpr size_t kMaxInternalDisks = 4;

/// The drive id of the i-th internal disk: "internal", "internal2", ...
/// (the first keeps the name reports have always used).
inline std::string InternalDriveName(size_t i) { return i == 0 ? "internal" : "internal" + std::to_string(i + 1); }

/// The QEMU argv (argv[0] included). No shell ever sees it.
std::vector<std::string> QemuCommand(const MachineDescription& machine);

/// Which host pages back a QEMU process's memory (its guest RAM, TCG's
/// code buffer). Not on the command line: the guest sees the same machine
/// either way.
enum class HostPages {
  kQemuDefault,  ///< QEMU asks for transparent huge pages (MADV_HUGEPAGE)
  kSmall,        ///< THP off for the process (PR_SET_THP_DISABLE)
};

/// kSmall under TCG, QEMU's default under KVM. Under TCG every guest access
/// goes through QEMU's own software TLB, so 2 MiB host pages buy nothing,
/// while each first touch of a 2 MiB region has the host clear all of it:
/// a booting guest scatters its allocations over its whole RAM, and here
/// that clearing was a quarter of a boot's host CPU (perf: clear_page_erms
/// under do_huge_pmd_anonymous_page). Under KVM the guest's own accesses go
/// through the host's page tables, where huge pages do help.
HostPages HostPagesFor(const MachineDescription& machine);

}  // namespace livecheck
