#pragma once
// How a run reaches inside its guest: livecheck's agent on ttyS1, or a root
// shell on the serial console of a medium livecheck did not build. A run
// picks one at its start; its steps ask through this interface and never
// branch on which it is.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "evidence/check_result.h"
#include "runner/run_context.h"

namespace livecheck {

class GuestAccess {
 public:
  virtual ~GuestAccess() = default;

  /// Connects the channel once QEMU listens on it.
  virtual asio::awaitable<void> Connect(RunContext& ctx) = 0;
  /// Whether a `wait` step on this phase means "until this access answers".
  virtual bool IsReadyPhase(const std::string& phase) const = 0;
  virtual bool Ready() const = 0;
  /// Waits until the guest answers (once), noting the phase it reached.
  virtual asio::awaitable<void> WaitReady(RunContext& ctx) = 0;

  /// A check decided from what the guest shows (lower-readonly, upper-tmpfs,
  /// union-root, ram-copy): gathers its evidence and decides.
  virtual asio::awaitable<CheckResult> GuestCheck(RunContext& ctx, const std::string& name) = 0;
  /// Writes `token` into each path and syncs; returns [{path, written}].
  virtual asio::awaitable<nlohmann::json> PlantCanary(RunContext& ctx, const std::string& token,
                                                      const std::vector<std::string>& paths) = 0;
  /// Writes `token` into a fresh tmpfs that is then unmounted; returns
  /// {mounted, written, unmounted, errno}.
  virtual asio::awaitable<nlohmann::json> PlantSecretInTmpfs(RunContext& ctx, const std::string& token) = 0;
  /// Adds the guest's mounts, swaps and block devices to the run's disk
  /// facts when it answers; a guest that stopped answering adds nothing.
  virtual asio::awaitable<void> GatherDiskFacts(RunContext& ctx, milliseconds timeout) = 0;
  /// A bench workload's figure.
  virtual asio::awaitable<nlohmann::json> Workload(RunContext& ctx, const std::string& name) = 0;
  /// A `run` step: `command` by the booted system's /bin/sh, killed after
  /// `timeout_seconds`; {exit_status, timed_out, output, ...}.
  virtual asio::awaitable<nlohmann::json> RunCommand(RunContext& ctx, const std::string& command,
                                                     double timeout_seconds) = 0;

  /// A `poweroff` step: flushes what the guest wrote (a shell's sync).
  virtual asio::awaitable<void> Sync(RunContext& ctx) = 0;
  /// A `poweroff` step: asks the guest to power itself off, once it
  /// answers; false when this access cannot.
  virtual asio::awaitable<bool> PowerOff(RunContext& ctx) = 0;
  /// The end of a run: Sync if the guest answers; never throws.
  virtual asio::awaitable<void> SyncIfReady(RunContext& ctx) = 0;
  /// The end of a run: PowerOff if the guest answers; false when it will not.
  virtual asio::awaitable<bool> PowerOffIfReady(RunContext& ctx) = 0;

  /// The phases boot-timing expects, in order.
  virtual std::vector<std::string> ExpectedPhases(const RunContext& ctx) const = 0;

  /// Why checks inside the guest cannot run in this run ("" when they can):
  /// they are then SKIP with this reason, and the host-side checks decide.
  const std::string& unavailable() const { return unavailable_; }
  void MarkUnavailable(std::string reason) { unavailable_ = std::move(reason); }

 private:
  std::string unavailable_;
};

/// The agent for livecheck's own images and injected boots, the console
/// shell for --image, or nothing (--guest none).
std::unique_ptr<GuestAccess> MakeGuestAccess(const RunRequest& request, asio::any_io_executor executor);

}  // namespace livecheck
