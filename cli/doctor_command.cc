#include <iostream>

#include <fmt/format.h>

#include "builder/guest_kernel.h"
#include "cli/commands.h"
#include "common/error.h"
#include "common/process.h"
#include "machine/accel_probe.h"
#include "machine/ovmf_vars.h"

namespace livecheck {
namespace {

struct Requirement {
  std::string what;
  bool present;
  std::string detail;
  std::string package;
  bool required = true;
};

std::string FirstLine(const std::vector<std::string>& argv) {
  auto r = RunProcess({.argv = argv, .timeout = std::chrono::seconds(10)});
  auto text = r.out.empty() ? r.err : r.out;
  return text.substr(0, text.find('\n'));
}

Requirement Tool(const std::string& name, const std::string& package, bool required = true) {
  bool present = HaveExecutable(name);
  return {name, present, present ? "found" : "missing", package, required};
}

Requirement File(const std::string& path, const std::string& package, bool required = true) {
  bool present = fs::exists(path);
  return {path, present, present ? "found" : "missing", package, required};
}

}  // namespace

int RunDoctorCommand(const std::string& images) {
  std::vector<Requirement> list;
  bool qemu = HaveExecutable("qemu-system-x86_64");
  list.push_back({"qemu-system-x86_64", qemu, qemu ? FirstLine({"qemu-system-x86_64", "--version"}) : "missing",
                  "qemu-system-x86"});
  list.push_back(Tool("qemu-img", "qemu-utils"));
  list.push_back(File(kOvmfCode, "ovmf"));
  list.push_back(File("/usr/lib/syslinux/mbr/mbr.bin", "syslinux-common"));
  list.push_back(File("/usr/lib/ISOLINUX/isolinux.bin", "isolinux"));
  list.push_back(File("/usr/lib/grub/x86_64-efi/linux.mod", "grub-efi-amd64-bin"));
  for (auto [tool, package] : std::vector<std::pair<std::string, std::string>>{
           {"mksquashfs", "squashfs-tools"}, {"unsquashfs", "squashfs-tools"}, {"mkfs.vfat", "dosfstools"},
           {"mcopy", "mtools"}, {"sfdisk", "fdisk"}, {"syslinux", "syslinux"}, {"grub-mkimage", "grub-common"},
           {"xorriso", "xorriso"}, {"mkfs.ext4", "e2fsprogs"}, {"busybox", "busybox-static"}})
    list.push_back(Tool(tool, package));
  list.push_back(File("/usr/bin/unionfs", "unionfs-fuse", false));
  list.push_back(File("/usr/bin/fuse-overlayfs", "fuse-overlayfs", false));
  try {
    auto kernel = FindGuestKernel(std::nullopt, std::nullopt);
    list.push_back({"guest kernel", true, kernel.image.string() + " (" + kernel.version + ")", "linux-image-amd64"});
  } catch (const Error& e) {
    list.push_back({"guest kernel", false, e.what(), "linux-image-amd64"});
  }
  list.push_back(Tool("virsh", "libvirt-clients", false));
  list.push_back(Tool("libvirtd", "libvirt-daemon-system", false));
  list.push_back(File("/usr/lib/x86_64-linux-gnu/libguestfs.so.0", "libguestfs0", false));

  int missing = 0;
  for (const auto& r : list) {
    std::cout << fmt::format("{:<40} {:<8} {}{}\n", r.what, r.present ? "ok" : (r.required ? "MISSING" : "absent"),
                             r.detail, r.present ? "" : " (apt-get install " + r.package + ")");
    missing += !r.present && r.required;
  }
  // KVM: only a real boot proves it usable; it needs a built image to boot.
  fs::path direct = fs::path(images) / "direct-overlay-xz";
  if (fs::exists(direct / "vmlinuz") && qemu) {
    auto choice = ChooseAccel("auto", direct / "vmlinuz", direct / "initrd.img", HostCacheDir(fs::path(images) / ".cache"));
    std::cout << fmt::format("{:<40} {:<8} {}\n", "accelerator", choice.accel, choice.reason);
  } else {
    std::cout << fmt::format("{:<40} {:<8} {}\n", "accelerator", "?", "build images first (livecheck build) to probe KVM");
  }
  std::cout << (missing == 0 ? "everything livecheck needs is here\n"
                             : fmt::format("{} required item(s) missing: run ci/setup.sh\n", missing));
  return missing == 0 ? kExitOk : kExitEnvironment;
}

}  // namespace livecheck
