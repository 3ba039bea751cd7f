#pragma once
// How fast this host runs a guest, measured rather than assumed: machines
// of one kind differ 2-3x under TCG, and a loaded host is slower still, so a
// boot budget or a timeout in absolute seconds means something else on every
// runner. Budgets and timeouts are written relative to this reference.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace livecheck {

namespace fs = std::filesystem;

/// The calibration boot: livecheck's guest kernel with a minimal initramfs
/// (busybox printing one marker, then powering off), booted the way runs
/// boot and as many at once as the runs will be, timed to that marker.
/// Medians over a few boots.
struct HostReference {
  double guest_seconds = -1;  ///< kernel start to /init, guest uptime
  double host_seconds = -1;   ///< QEMU start to /init, host clock
  std::vector<double> guest_samples, host_samples;
  std::string accel;
  std::string kernel;   ///< the kernel booted
  int parallel = 1;     ///< calibration VMs at once (as many as the runs had)
  std::string source;   ///< "measured", or "cached for this host boot"
  std::string error;    ///< why there is no reference (then the seconds are -1)
  bool valid() const { return guest_seconds > 0 && host_seconds > 0; }
};

nlohmann::json ToJson(const HostReference& reference);
/// Reads what ToJson wrote (untrusted: a cache file or an old report);
/// an absent or malformed object gives an invalid reference.
HostReference HostReferenceFromJson(const nlohmann::json& j);

/// Measures the reference with calibration boots under `accel`, `parallel`
/// VMs at a time (the runs' -j, at most the number of runs), or reads it
/// from `cache_dir` when this host boot measured it with this accelerator,
/// parallelism and kernel within the last hour (unless `fresh`). A kernel
/// that does not boot gives an invalid reference with the reason, not an
/// exception; Ctrl-C throws as everywhere.
HostReference MeasureHostReference(const std::string& accel, const fs::path& kernel, const fs::path& cache_dir,
                                   int parallel, bool fresh = false);

/// Where references are cached: `LIVECHECK_REFERENCE_DIR` when set (one
/// measurement shared by every run of a CI job on this host, which should
/// then run under the same load), else the images' own cache directory
/// (a reference taken under other load is not reused by other images).
fs::path ReferenceCacheDir(const fs::path& images_cache);

/// The kernel every calibration boots: livecheck's default guest kernel
/// (the newest /boot/vmlinuz-* with its modules), whatever the images under
/// test boot, so references from different runs compare. Empty when the
/// host has none.
fs::path ReferenceKernel();

/// The guest uptime at /init on the machine livecheck's timeouts were
/// written for (the calibration boot's median there).
inline constexpr double kNominalReferenceGuestSeconds = 1.8;
inline constexpr double kMaxReferenceTimeoutScale = 10;

/// How much longer than written every timeout should be on this host: the
/// reference over the nominal one, never below 1 (a fast host keeps the
/// written timeouts) and at most kMaxReferenceTimeoutScale (a hung guest is
/// still reported after a bounded time). 1 without a reference.
double TimeoutScaleFor(const HostReference& reference);

}  // namespace livecheck
