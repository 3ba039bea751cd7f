#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "machine/qemu_args.h"

namespace livecheck {

namespace fs = std::filesystem;

/// A running QEMU. The destructor kills and reaps it, so no QEMU outlives
/// its owner on any path out of a scope (success, failure, exception).
class QemuProcess {
 public:
  /// Starts argv (no shell) on `pages`; QEMU's own stdout/stderr go to
  /// `output_log`.
  QemuProcess(const std::vector<std::string>& argv, const fs::path& output_log,
              HostPages pages = HostPages::kQemuDefault);
  /// Starts the QEMU of `machine` (QemuCommand) on its pages (HostPagesFor).
  QemuProcess(const MachineDescription& machine, const fs::path& output_log);
  ~QemuProcess();
  QemuProcess(const QemuProcess&) = delete;
  QemuProcess& operator=(const QemuProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// Waits up to `timeout` for QEMU to exit; returns its wait status, or nullopt if still running.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  /// SIGKILL and reap (idempotent).
  void Kill();
  /// How the process ended when it ended on its own (not by Kill): its
  /// wait status; nullopt while it runs or when Kill ended it.
  std::optional<int> ExitedOnItsOwn();

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;       ///< readable once the process exits (-1: none, WaitExit ticks)
  bool reaped_ = false;
  bool killed_ = false;  ///< Kill() ended it
  int status_ = 0;       ///< the wait status, once reaped
};

/// Multiplies every harness timeout: $LIVECHECK_TIMEOUT_SCALE (default 1),
/// so a slow or loaded machine is one setting away from passing.
double TimeoutScale();

/// What a wait on a VM's console log saw: the whole log read so far.
struct ConsoleWait {
  bool found = false;
  bool qemu_exited = false;
  std::string log;
};

/// Polls `console_log` until `seen` holds for it, QEMU exits, or `timeout`
/// passes.
ConsoleWait WaitForConsole(QemuProcess& qemu, const fs::path& console_log,
                           const std::function<bool(std::string_view log)>& seen, std::chrono::milliseconds timeout);

/// WaitForConsole until a line "@@livecheck phase=<phase> ..." appears.
ConsoleWait WaitForPhase(QemuProcess& qemu, const fs::path& console_log, const std::string& phase,
                         std::chrono::milliseconds timeout);

}  // namespace livecheck
