#pragma once
// How a run drives its machine from the host: QEMU through QMP when
// livecheck runs QEMU itself, or libvirt's API for --backend libvirt. A run
// picks one at its start; its steps never branch on which it is.
#include <filesystem>
#include <memory>
#include <vector>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "runner/error_cause.h"
#include "runner/run_context.h"

namespace livecheck {

class MachineControl {
 public:
  virtual ~MachineControl() = default;

  /// Connects to the machine once it runs.
  virtual asio::awaitable<void> Connect(RunContext& ctx) = 0;
  /// Whether the machine is gone (QEMU exited, the domain stopped).
  virtual bool Gone() const = 0;
  /// Pulls the USB stick (once), its write counters read just before.
  virtual asio::awaitable<void> UnplugStick(RunContext& ctx) = 0;
  /// Writes all guest RAM to `file`.
  virtual asio::awaitable<void> DumpMemory(RunContext& ctx, const std::filesystem::path& file) = 0;
  /// A `poweroff` step: the guest powers off and the machine waits for it,
  /// where the backend can keep the machine after (QEMU's -no-shutdown).
  virtual asio::awaitable<void> PowerOff(RunContext& ctx) = 0;
  /// Ends the session: the write counters over the whole session (the
  /// unplugged stick's from before the unplug), then the machine is stopped.
  virtual asio::awaitable<nlohmann::json> Stop(RunContext& ctx) = 0;
  /// What started the machine, exactly, for the evidence: QEMU's argv as a
  /// JSON array, or libvirt's domain XML; and the file suffix for it.
  virtual std::string Definition() const = 0;
  virtual std::string DefinitionSuffix() const = 0;
  /// Every drive's counters now, in query-blockstats' shape (the counters
  /// over time in the evidence).
  virtual asio::awaitable<nlohmann::json> Counters(RunContext& ctx) = 0;
  /// What the machine reported along the way (QMP events), for the report.
  virtual std::vector<nlohmann::json> EventLog() const = 0;
  /// When the machine ended before livecheck stopped it, whether it was lost
  /// (killed or failed: the host's doing) or exited because the guest asked.
  virtual void NoteHowItEnded(ErrorFacts&) {}
};

}  // namespace livecheck
