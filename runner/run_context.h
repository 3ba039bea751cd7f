#pragma once
// Everything one run shares between its steps: the request, the VM's
// session and console, how the guest and the machine are reached, the
// run's deadline, and what the steps have found so far.
#include <chrono>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "machine/vm_session.h"
#include "runner/console_watcher.h"
#include "runner/run_result.h"
#include "runner/scenario_runner.h"

namespace livecheck {

namespace asio = boost::asio;
using std::chrono::milliseconds;

class GuestAccess;
class MachineControl;

// Base timeouts of single operations, scaled by RunOptions::timeout_scale.
inline constexpr milliseconds kConnectTimeout{15000};
inline constexpr milliseconds kQmpTimeout{10000};
inline constexpr milliseconds kAgentTimeout{30000};
inline constexpr milliseconds kHashTimeout{120000};
// The agent answers once the booted system has settled: a full distribution
// (systemd reaching its target) takes minutes under emulation.
inline constexpr milliseconds kSettleTimeout{300000};
inline constexpr milliseconds kUnplugTimeout{20000};
inline constexpr milliseconds kShutdownTimeout{30000};

struct RunContext {
  using Clock = std::chrono::steady_clock;
  RunRequest& request;
  RunOptions& options;
  VmSession& session;
  ConsoleWatcher& console;
  GuestAccess& access;    ///< the agent, or a console shell
  MachineControl& machine;  ///< QMP, or libvirt
  Clock::time_point deadline;
  asio::steady_timer& timer;
  RunResult& result;

  bool stick_unplugged = false;
  bool powered_off = false;
  nlohmann::json blockstats_before_unplug;  ///< the unplugged stick's last counters
  uint64_t console_cursor = 0;               ///< console log bytes the wait_console steps are past
  std::vector<std::string> deferred_checks;  ///< decided after the VM stopped
  nlohmann::json canary;                     ///< what the canary step planted, for the scan after power-off
  /// What the guest said of its mounts, swaps and disks, from every time it
  /// was asked; "stacked": every md/device-mapper device seen (stacked_devices.h).
  nlohmann::json disk_facts = {{"mounts", nlohmann::json::array()},
                               {"swaps", nlohmann::json::array()},
                               {"block_devices", nlohmann::json::array()},
                               {"stacked", nlohmann::json::array()}};

  milliseconds Scaled(milliseconds base) const;
  /// The smaller of an operation's own timeout and what is left of the run's.
  milliseconds Budget(milliseconds base) const;
  double HostSeconds() const;
  /// Tells the live status (and nothing else) that the run entered a step.
  void Announce(const std::string& what) const;
};

/// Waits on the run's timer; never throws.
asio::awaitable<void> Sleep(RunContext& ctx, milliseconds duration);

/// Polls the console until `phase` shows; throws Error when the live init
/// failed, the kernel panicked, the machine is gone or the run's deadline passed.
asio::awaitable<void> WaitForPhase(RunContext& ctx, const std::string& phase);

/// Polls the console until `phase` shows or `limit` passes; never throws.
/// Whether it showed.
asio::awaitable<bool> WaitBrieflyForPhase(RunContext& ctx, const std::string& phase, milliseconds limit);

/// Why the guest will never reach `phase` (its init failed, its kernel
/// panicked, its initramfs gave up, QEMU is gone), or "" while it still may.
std::string WhyTheGuestCannotGoOn(RunContext& ctx, const std::string& phase);

/// Polls the console until WhyTheGuestCannotGoOn says something, and returns
/// it; "" when cancelled. Raced against waits on a channel (the agent's
/// answer), so a guest that gave up is an ERROR at once, not at the timeout.
asio::awaitable<std::string> WaitUntilTheGuestCannotGoOn(RunContext& ctx, const std::string& phase);

/// Adds mounts and swaps to what the run has seen (they only ever
/// accumulate: a swap turned on and off between two looks is still seen by
/// one) and keeps the newest list of block devices.
void AddDiskFacts(RunContext& ctx, const nlohmann::json& mounts, const nlohmann::json& swaps,
                  const nlohmann::json& block_devices);

}  // namespace livecheck
