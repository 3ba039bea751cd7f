#pragma once
#include <memory>
#include <string>

#include "machine/libvirt_domain.h"
#include "machine/qemu_args.h"
#include "runner/machine_control.h"

namespace livecheck {

/// A transient libvirt domain made from the same machine description:
/// counters from virDomainBlockStats, the stick pulled with libvirt's own
/// detach, RAM from virDomainCoreDumpWithFormat.
class LibvirtControl : public MachineControl {
 public:
  /// Defines and starts the domain on `uri`.
  LibvirtControl(const MachineDescription& machine, const VmSession& session, const std::string& uri);

  asio::awaitable<void> Connect(RunContext&) override { co_return; }
  bool Gone() const override { return !domain_->Active(); }
  asio::awaitable<void> UnplugStick(RunContext& ctx) override;
  asio::awaitable<void> DumpMemory(RunContext& ctx, const std::filesystem::path& file) override;
  /// Nothing: libvirt cannot keep a powered-off domain, and the counters
  /// must be read while it runs (Stop powers it off).
  asio::awaitable<void> PowerOff(RunContext&) override { co_return; }
  asio::awaitable<nlohmann::json> Stop(RunContext& ctx) override;
  std::vector<nlohmann::json> EventLog() const override { return {}; }
  std::string Definition() const override { return xml_; }
  std::string DefinitionSuffix() const override { return ".domain.xml"; }
  asio::awaitable<nlohmann::json> Counters(RunContext&) override { co_return domain_->BlockStats(); }

 private:
  std::string xml_;
  std::unique_ptr<LibvirtDomain> domain_;
};

}  // namespace livecheck
