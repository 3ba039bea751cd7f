#pragma once
// The agent started from an initramfs, before the system under test exists:
// it waits for PID 1 to switch into the real root, moves its own root there
// (through /proc/1/root, so any init and any switch_root work), and waits
// until that system has settled before it answers the host.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace livecheck::agent {

/// Seconds since boot (CLOCK_BOOTTIME: /proc/uptime's clock, read without /proc).
double BootClockSeconds();

/// How the agent decides that the booted system has settled.
struct SettleRule {
  enum class Kind { kAuto, kFile, kNone };
  Kind kind = Kind::kAuto;
  std::string file;  ///< kFile: a path in the booted root that the init creates when ready
};

/// Parses "auto", "none" or "file:/path". Returns false for anything else.
bool ParseSettleRule(std::string_view text, SettleRule& rule);

struct FollowOptions {
  SettleRule settle;
  /// Print root-ready on the console when the root switch is seen (for inits
  /// that do not print livecheck's markers themselves).
  bool mark_root_ready = false;
  double switch_timeout_seconds = 600;
  double settle_timeout_seconds = 240;
  double quiet_seconds = 3;
  /// A proc instance of the agent's own (the wrapper mounts one where the
  /// image's init will not move or unmount it).
  std::string proc = "/proc";
};

/// Decides quiescence from periodic snapshots of what a late boot changes
/// (mount table, swaps, processes) and how busy the CPUs were since the
/// previous one: settled once the snapshot has stayed the same, with the
/// CPUs mostly idle, for `quiet_seconds`. The CPU matters: an init still
/// paging itself in from a slow squashfs changes nothing else for seconds.
class QuietDetector {
 public:
  explicit QuietDetector(double quiet_seconds, double max_busy = 0.5)
      : quiet_seconds_(quiet_seconds), max_busy_(max_busy) {}
  /// Feeds one snapshot taken at `now` (seconds), with the busy fraction
  /// (0..1) of the CPUs since the previous one; returns true once settled.
  bool Update(const std::string& snapshot, double now, double busy = 0);

 private:
  double quiet_seconds_;
  double max_busy_;
  std::string last_;
  double since_ = -1;
};

/// Writes "@@livecheck phase=NAME t=UPTIME[ EXTRA]" to `console_fd` (none
/// when it is -1), the initramfs's marker format, timed by CLOCK_BOOTTIME.
void WriteMarker(int console_fd, const std::string& phase, const std::string& extra = "");

/// Blocks until PID 1 has switched root, chroots into its root and waits for
/// the system to settle. `console_fd` receives phase markers (may be -1).
/// Returns what happened: uptimes of the switch and of settling, and how the
/// system was judged settled; "error" when following failed (the agent then
/// answers from where it is, and the host's checks show it).
nlohmann::json FollowInit(const FollowOptions& options, int console_fd);

}  // namespace livecheck::agent
