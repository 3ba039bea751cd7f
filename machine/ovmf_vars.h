#pragma once
// The UEFI variable store a run's firmware starts with. A copy of the
// pristine OVMF_VARS template makes every boot OVMF's very first: it then
// writes its default variables and boot options through the emulated flash,
// one trapped write at a time: 0.6-1 s of each UEFI boot under TCG (bare
// QEMU, same stick, GRUB started at 3.90-4.05 s from the template and at
// 3.22-3.50 s from a seeded store; in `livecheck run` the kernel's clock
// started ~1 s earlier, medians of 8). A machine that has booted before is the
// usual case anyway, so runs start from the store as OVMF itself left it
// after one boot without disks: made once per firmware, cached, copied into
// each run. The firmware still adds the run's own stick as a boot option.
#include <filesystem>
#include <string>
#include <string_view>

namespace livecheck {

namespace fs = std::filesystem;

inline constexpr const char* kOvmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
inline constexpr const char* kOvmfVarsTemplate = "/usr/share/OVMF/OVMF_VARS_4M.fd";

struct OvmfVars {
  fs::path path;       ///< what each run copies
  bool seeded = false;  ///< false: the template itself (see `source`)
  std::string source;  ///< how it was made, or why the template is used
};

/// The seeded store for `code` and `vars_template`: read from `cache_dir`,
/// or made there now by one firmware boot under `accel` (a few seconds under
/// TCG), run until the boot manager's first line. When that fails, the
/// template itself with the reason: runs then start as before. Ctrl-C
/// throws, and no QEMU or temporary file outlives the call.
OvmfVars PrepareOvmfVars(const std::string& accel, const fs::path& cache_dir, const fs::path& code = kOvmfCode,
                         const fs::path& vars_template = kOvmfVarsTemplate);

/// Whether OVMF's console shows its boot manager at work ("BdsDxe: loading
/// Boot0001 ..."): by then it has written its variables.
bool OvmfReachedBootManager(std::string_view console);

}  // namespace livecheck
