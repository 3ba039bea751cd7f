#pragma once
#include "channels/qmp_client.h"
#include "machine/qemu_args.h"
#include "runner/machine_control.h"

namespace livecheck {

/// A QEMU that livecheck starts itself (in the run's session) and drives
/// over QMP: counters from query-blockstats, the stick pulled with
/// device_del, RAM from dump-guest-memory, and -no-shutdown so the counters
/// of the whole session can be read after the guest powered off.
class QemuControl : public MachineControl {
 public:
  /// Starts QEMU for `machine` in `session`.
  QemuControl(const MachineDescription& machine, VmSession& session, asio::any_io_executor executor);

  asio::awaitable<void> Connect(RunContext& ctx) override;
  bool Gone() const override;
  asio::awaitable<void> UnplugStick(RunContext& ctx) override;
  asio::awaitable<void> DumpMemory(RunContext& ctx, const std::filesystem::path& file) override;
  asio::awaitable<void> PowerOff(RunContext& ctx) override;
  asio::awaitable<nlohmann::json> Stop(RunContext& ctx) override;
  std::vector<nlohmann::json> EventLog() const override { return qmp_.event_log(); }
  void NoteHowItEnded(ErrorFacts& facts) override;
  std::string Definition() const override { return nlohmann::json(argv_).dump(1); }
  std::string DefinitionSuffix() const override { return ".qemu-argv.json"; }
  asio::awaitable<nlohmann::json> Counters(RunContext& ctx) override;

 private:
  std::vector<std::string> argv_;
  VmSession& session_;
  QmpClient qmp_;
  bool quitting_ = false;  ///< livecheck sent quit: the exit that follows is its own
};

}  // namespace livecheck
