#pragma once
#include <string>

namespace livecheck {

/// The kernel command line every livecheck image boots with, plus `extra`:
/// ReferenceCommandLine() and cryptomgr.notests, which skips the crypto
/// API's boot-time self-tests of every algorithm the kernel registers
/// (~0.4 s of a 1.8 s kernel start under TCG; they test the kernel's own
/// code, not the live system, and fips=1 runs them regardless).
std::string KernelCommandLine(const std::string& extra);

/// The host reference's calibration boot, kept as it was when images
/// booted with it so that references stay comparable across versions.
/// ttyS0 carries the console and markers; panic=-1 with QEMU's -no-reboot
/// turns a guest panic into a QEMU exit; no_timer_check avoids a spurious
/// "IO-APIC + timer doesn't work" panic on a heavily loaded TCG host.
std::string ReferenceCommandLine();

/// syslinux.cfg / isolinux.cfg booting /live/vmlinuz straight away.
std::string SyslinuxConfig(const std::string& cmdline);

/// GRUB configuration embedded in BOOTX64.EFI: finds the medium by label
/// and boots /live/vmlinuz with no menu.
std::string GrubEmbeddedConfig(const std::string& label, const std::string& cmdline);

}  // namespace livecheck
