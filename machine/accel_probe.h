#pragma once
#include <filesystem>
#include <string>

namespace livecheck {

namespace fs = std::filesystem;

struct AccelChoice {
  std::string accel;   ///< "kvm" or "tcg"
  std::string reason;  ///< why, for the report
};

/// This boot of the host (/proc/sys/kernel/random/boot_id), which keys the
/// caches of facts that hold until the host reboots; "unknown" without it.
std::string HostBootId();

/// Where facts about this host are cached (the KVM probe, the host
/// reference), shared by every run on the host whatever its image
/// directory: $LIVECHECK_CACHE_DIR, else $XDG_CACHE_HOME/livecheck/host,
/// else $HOME/.cache/livecheck/host; `fallback` without any of them.
fs::path HostCacheDir(const fs::path& fallback);

/// Picks the accelerator. "tcg" and "kvm" are taken as asked (kvm needs a
/// /dev/kvm we can open, else Error with exit code 3). "auto" trusts KVM only
/// when a real guest boots under it: the kernel and initrd given must reach
/// the initramfs's first marker within `probe_seconds` (on some hosts
/// /dev/kvm opens but every guest hangs). The verdict is cached per host
/// boot in `cache_dir`.
AccelChoice ChooseAccel(const std::string& requested, const fs::path& kernel, const fs::path& initrd,
                        const fs::path& cache_dir, double probe_seconds = 20);

}  // namespace livecheck
