#pragma once
#include "channels/agent_client.h"
#include "runner/guest_access.h"

namespace livecheck {

/// The guest agent livecheck's own images start from RAM (ttyS1): typed
/// JSON answers, every fact a check needs.
class AgentAccess : public GuestAccess {
 public:
  explicit AgentAccess(asio::any_io_executor executor) : agent_(executor) {}

  asio::awaitable<void> Connect(RunContext& ctx) override;
  /// "ready" too: on a medium livecheck did not build, the injected agent
  /// answering is what "booted" means, with or without a console prompt.
  bool IsReadyPhase(const std::string& phase) const override { return phase == "agent-ready" || phase == "ready"; }
  bool Ready() const override { return ready_; }
  asio::awaitable<void> WaitReady(RunContext& ctx) override;
  asio::awaitable<CheckResult> GuestCheck(RunContext& ctx, const std::string& name) override;
  asio::awaitable<nlohmann::json> PlantCanary(RunContext& ctx, const std::string& token,
                                              const std::vector<std::string>& paths) override;
  asio::awaitable<nlohmann::json> PlantSecretInTmpfs(RunContext& ctx, const std::string& token) override;
  asio::awaitable<void> GatherDiskFacts(RunContext& ctx, milliseconds timeout) override;
  asio::awaitable<nlohmann::json> Workload(RunContext& ctx, const std::string& name) override;
  asio::awaitable<nlohmann::json> RunCommand(RunContext& ctx, const std::string& command,
                                             double timeout_seconds) override;
  asio::awaitable<void> Sync(RunContext&) override { co_return; }
  asio::awaitable<bool> PowerOff(RunContext& ctx) override;
  asio::awaitable<void> SyncIfReady(RunContext&) override { co_return; }
  asio::awaitable<bool> PowerOffIfReady(RunContext& ctx) override;
  std::vector<std::string> ExpectedPhases(const RunContext& ctx) const override;

 private:
  /// Waits until the agent answers, then asks.
  asio::awaitable<nlohmann::json> Ask(RunContext& ctx, nlohmann::json request, milliseconds timeout = kAgentTimeout);
  asio::awaitable<CheckResult> RamCopy(RunContext& ctx);
  /// ram-copy on a medium livecheck did not build (no manifest): the same
  /// files read before and after the stick is pulled.
  asio::awaitable<CheckResult> RamCopyReadback(RunContext& ctx);
  AgentClient agent_;
  bool ready_ = false;
};

}  // namespace livecheck
