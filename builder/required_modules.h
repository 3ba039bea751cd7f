#pragma once
#include <map>
#include <string>
#include <vector>

#include "builder/build_config.h"

namespace livecheck {

/// The kernel modules a live boot of `variant` needs, by group. The initramfs
/// always loads "base"; a controller's driver group ("pci-class:0106" for
/// AHCI, "pci-vendor:1af4" for virtio, ...) only when the machine has such a
/// PCI function, and a CPU-specific helper ("cpu-flag:pclmulqdq") only on a
/// CPU with that flag, as udev's modalias matching would (each insmod costs
/// 15-150 ms under TCG); and then only the group of the union backend chosen at boot
/// ("union:overlay", "union:unionfs-fuse", ...). Names ending in '?' are
/// optional (CPU- or kernel-dependent helpers).
std::map<std::string, std::vector<std::string>> RequiredModules(const VariantConfig& variant);

/// The order /init takes the groups in (every group of `groups` once): the
/// controllers the medium can sit behind first (USB for a stick, IDE and
/// AHCI then USB for an ISO), so that the medium enumerates while the rest
/// loads (a USB stick needs ~0.5 s of port debounce and reset timers after
/// its controller's driver, with the guest idle); then the CPU-specific
/// helpers, base and the unions; the other controllers (internal disks)
/// last, still before the medium is searched for.
std::vector<std::string> GroupLoadOrder(const VariantConfig& variant,
                                        const std::map<std::string, std::vector<std::string>>& groups);

/// insmod parameters: usb-storage waits 1 s before probing a new stick by default.
std::map<std::string, std::string> ModuleParameters();

/// The group name for a union backend.
std::string UnionGroup(UnionBackend backend);

/// The variant's default backend followed by its extra ones, without repeats.
std::vector<UnionBackend> BootableUnions(const VariantConfig& variant);

}  // namespace livecheck
