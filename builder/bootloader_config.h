#pragma once
#include <string>

namespace livecheck {

/// The kernel command line every livecheck image boots with, plus `extra`.
/// ttyS0 carries the console and markers; panic=-1 with QEMU's -no-reboot
/// turns a guest panic into a QEMU exit; no_timer_check avoids a spurious
/// "IO-APIC + timer doesn't work" panic on a heavily loaded TCG host.
std::string KernelCommandLine(const std::string& extra);

/// syslinux.cfg / isolinux.cfg booting /live/vmlinuz straight away.
std::string SyslinuxConfig(const std::string& cmdline);

/// GRUB configuration embedded in BOOTX64.EFI: finds the medium by label
/// and boots /live/vmlinuz with no menu.
std::string GrubEmbeddedConfig(const std::string& label, const std::string& cmdline);

}  // namespace livecheck
