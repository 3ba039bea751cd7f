#include "builder/required_modules.h"

#include <algorithm>

namespace livecheck {

std::string UnionGroup(UnionBackend backend) { return "union:" + std::string(Name(backend)); }

std::vector<UnionBackend> BootableUnions(const VariantConfig& variant) {
  std::vector<UnionBackend> out = {variant.union_backend};
  for (auto b : variant.extra_unions)
    if (std::find(out.begin(), out.end(), b) == out.end()) out.push_back(b);
  return out;
}

std::map<std::string, std::vector<std::string>> RequiredModules(const VariantConfig& variant) {
  // USB sticks: usb-storage and uas, then the SCSI disk driver with the CRC
  // helpers its T10-PI code asks the crypto API for (softdeps that insmod
  // cannot resolve on its own). The host controllers' drivers and the
  // CPU-specific helper are in the hardware groups below.
  std::vector<std::string> base = {"usb_storage", "uas?", "crc64?", "crct10dif_generic?", "sd_mod"};
  if (variant.boot == BootPath::kIso) {
    for (const char* m : {"sr_mod", "isofs"}) base.push_back(m);
  } else {
    for (const char* m : {"vfat", "nls_cp437", "nls_ascii?", "nls_utf8?"}) base.push_back(m);
  }
  base.push_back("loop");
  base.push_back("squashfs");
  base.insert(base.end(), variant.extra_modules.begin(), variant.extra_modules.end());

  std::map<std::string, std::vector<std::string>> groups;
  groups["base"] = base;
  // Controllers, by the PCI class (or vendor) their functions report: the
  // stick's USB host controller, and the internal disk's (a live system sees
  // the machine's disks and must leave them alone; the checks need the guest
  // to see them). The ISO may be a CD on IDE (pc) or AHCI (q35).
  groups["pci-class:0c0330"] = {"xhci_pci"};
  groups["pci-class:0c0320"] = {"ehci_pci?"};
  groups["pci-class:0106"] = {"ahci?"};
  groups["pci-class:0108"] = {"nvme?"};
  groups["pci-vendor:1af4"] = {"virtio_pci?", "virtio_blk?"};
  if (variant.boot == BootPath::kIso) groups["pci-class:0101"] = {"ata_piix?"};
  // The CRC helper's PCLMULQDQ version, only on a CPU that has the
  // instruction (its modalias is that CPU feature): elsewhere the kernel
  // refuses it, after loading and verifying it (~40 ms under TCG), with an
  // "insmod: can't insert" line on the console of every boot.
  groups["cpu-flag:pclmulqdq"] = {"crct10dif_pclmul?"};
  for (auto backend : BootableUnions(variant)) {
    switch (backend) {
      case UnionBackend::kOverlay: groups[UnionGroup(backend)] = {"overlay"}; break;
      case UnionBackend::kUnionfsFuse:
      case UnionBackend::kFuseOverlayfs: groups[UnionGroup(backend)] = {"fuse"}; break;
      case UnionBackend::kAufs: groups[UnionGroup(backend)] = {"aufs"}; break;
    }
  }
  return groups;
}

std::vector<std::string> GroupLoadOrder(const VariantConfig& variant,
                                        const std::map<std::string, std::vector<std::string>>& groups) {
  std::vector<std::string> medium_controllers = {"pci-class:0c0330", "pci-class:0c0320"};
  if (variant.boot == BootPath::kIso)
    medium_controllers.insert(medium_controllers.begin(), {"pci-class:0101", "pci-class:0106"});
  auto starts_with = [](const std::string& group, const char* prefix) { return group.rfind(prefix, 0) == 0; };
  std::vector<std::string> order;
  for (const auto& group : medium_controllers)
    if (groups.count(group)) order.push_back(group);
  // The CPU's helpers before base: crc-t10dif binds the best CRC code registered when it loads.
  for (const auto& [group, _] : groups)
    if (starts_with(group, "cpu-flag:")) order.push_back(group);
  if (groups.count("base")) order.push_back("base");
  for (const auto& [group, _] : groups)
    if (starts_with(group, "union:")) order.push_back(group);
  for (const auto& [group, _] : groups)
    if (std::find(order.begin(), order.end(), group) == order.end()) order.push_back(group);
  return order;
}

std::map<std::string, std::string> ModuleParameters() { return {{"usb_storage", "delay_use=0"}}; }

}  // namespace livecheck
