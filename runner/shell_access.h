#pragma once
#include "channels/console_shell.h"
#include "runner/guest_access.h"

namespace livecheck {

/// A root shell on the serial console of a medium livecheck did not build
/// (`run --image`): commands typed between markers, /proc read as text.
class ShellAccess : public GuestAccess {
 public:
  explicit ShellAccess(asio::any_io_executor executor) : shell_(executor) {}

  asio::awaitable<void> Connect(RunContext& ctx) override;
  bool IsReadyPhase(const std::string& phase) const override { return phase == "agent-ready" || phase == "shell-ready"; }
  bool Ready() const override { return shell_.ready(); }
  asio::awaitable<void> WaitReady(RunContext& ctx) override;
  asio::awaitable<CheckResult> GuestCheck(RunContext& ctx, const std::string& name) override;
  asio::awaitable<nlohmann::json> PlantCanary(RunContext& ctx, const std::string& token,
                                              const std::vector<std::string>& paths) override;
  asio::awaitable<nlohmann::json> PlantSecretInTmpfs(RunContext& ctx, const std::string& token) override;
  asio::awaitable<void> GatherDiskFacts(RunContext& ctx, milliseconds timeout) override;
  asio::awaitable<nlohmann::json> Workload(RunContext& ctx, const std::string& name) override;
  asio::awaitable<nlohmann::json> RunCommand(RunContext& ctx, const std::string& command,
                                             double timeout_seconds) override;
  asio::awaitable<void> Sync(RunContext& ctx) override;
  asio::awaitable<bool> PowerOff(RunContext&) override { co_return false; }
  asio::awaitable<void> SyncIfReady(RunContext& ctx) override;
  asio::awaitable<bool> PowerOffIfReady(RunContext&) override { co_return false; }
  std::vector<std::string> ExpectedPhases(const RunContext&) const override { return {"ready"}; }

 private:
  /// Waits until the shell answers, then runs one command.
  asio::awaitable<ShellOutput> Shell(RunContext& ctx, const std::string& command, milliseconds timeout = kAgentTimeout);
  asio::awaitable<CheckResult> RamCopy(RunContext& ctx);
  asio::awaitable<CheckResult> LayerCheck(RunContext& ctx, const std::string& name);
  ConsoleShell shell_;
};

}  // namespace livecheck
