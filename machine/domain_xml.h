// The libvirt domain XML for a machine description: what `--backend libvirt`
// hands to virDomainCreateXML instead of a QEMU command line. A pure function
// of the description, like QemuCommand, and checked the same way.
#pragma once
#include <string>

#include "machine/qemu_args.h"

namespace livecheck {

/// Disk targets the backend addresses for statistics and unplugging.
inline constexpr const char* kStickTarget = "sda";
inline constexpr const char* kDecoyTarget = "sdy";
inline constexpr const char* kInternalTarget = "sdb";
/// The i-th internal disk's target: sdb, sdc, ... or vdb, vdc, ... on virtio.
inline std::string InternalTarget(size_t i, bool virtio) {
  return std::string(virtio ? "vd" : "sd") + static_cast<char>('b' + i);
}

/// A transient domain named `name`. QEMU runs as root with DAC relabelling
/// off (the runtime directory is private to livecheck's user); no network, no
/// display; the domain ends when its guest powers off (libvirt's QEMU driver
/// cannot keep it, as -no-shutdown does). Throws Error for what the backend
/// cannot express (an NVMe internal disk, UAS).
std::string DomainXml(const MachineDescription& machine, const std::string& name);

}  // namespace livecheck
