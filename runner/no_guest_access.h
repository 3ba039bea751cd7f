#pragma once
#include "runner/guest_access.h"

namespace livecheck {

/// A medium booted with nothing injected and no console shell (`run --image
/// --guest none`): the host-side checks still decide, every check that
/// needs the inside of the guest is SKIP with the reason, at once.
class NoGuestAccess : public GuestAccess {
 public:
  NoGuestAccess();

  asio::awaitable<void> Connect(RunContext&) override { co_return; }
  bool IsReadyPhase(const std::string&) const override { return false; }
  bool Ready() const override { return false; }
  /// Only the console's ready pattern: nothing inside the guest answers.
  asio::awaitable<void> WaitReady(RunContext& ctx) override;
  asio::awaitable<CheckResult> GuestCheck(RunContext& ctx, const std::string& name) override;
  asio::awaitable<nlohmann::json> PlantCanary(RunContext&, const std::string&, const std::vector<std::string>&) override {
    co_return nlohmann::json::array();
  }
  asio::awaitable<nlohmann::json> PlantSecretInTmpfs(RunContext&, const std::string&) override {
    co_return nlohmann::json::object();
  }
  asio::awaitable<void> GatherDiskFacts(RunContext&, milliseconds) override { co_return; }
  asio::awaitable<nlohmann::json> Workload(RunContext& ctx, const std::string& name) override;
  asio::awaitable<nlohmann::json> RunCommand(RunContext& ctx, const std::string& command,
                                             double timeout_seconds) override;
  asio::awaitable<void> Sync(RunContext&) override { co_return; }
  asio::awaitable<bool> PowerOff(RunContext&) override { co_return false; }
  asio::awaitable<void> SyncIfReady(RunContext&) override { co_return; }
  asio::awaitable<bool> PowerOffIfReady(RunContext&) override { co_return false; }
  std::vector<std::string> ExpectedPhases(const RunContext&) const override { return {"ready"}; }
};

}  // namespace livecheck
