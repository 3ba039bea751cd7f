#include "runner/libvirt_control.h"

#include "common/error.h"
#include "evidence/disk_evidence.h"
#include "machine/domain_xml.h"
#include "runner/guest_access.h"

namespace livecheck {

LibvirtControl::LibvirtControl(const MachineDescription& machine, const VmSession& session, const std::string& uri)
    : xml_(DomainXml(machine, "livecheck-" + session.dir().filename().string())),
      domain_(std::make_unique<LibvirtDomain>(uri, xml_)) {}

asio::awaitable<void> LibvirtControl::UnplugStick(RunContext& ctx) {
  if (ctx.stick_unplugged) co_return;
  // libvirt's own detach, so its view of the domain stays true.
  ctx.blockstats_before_unplug = domain_->BlockStats();
  domain_->RequestStickDetach();
  auto until = RunContext::Clock::now() + ctx.Budget(kUnplugTimeout);
  while (domain_->StickPresent()) {
    if (RunContext::Clock::now() >= until) throw Error("libvirt: the stick was not detached in time");
    co_await Sleep(ctx, milliseconds(100));
  }
  ctx.stick_unplugged = true;
}

asio::awaitable<void> LibvirtControl::DumpMemory(RunContext&, const std::filesystem::path& file) {
  domain_->DumpMemory(file);
  co_return;
}

// libvirt destroys a domain as its guest powers off (it cannot keep QEMU the
// way -no-shutdown does), so the counters are read just before; writes during
// the shutdown itself still show in the overlays' allocation and digests.
asio::awaitable<nlohmann::json> LibvirtControl::Stop(RunContext& ctx) {
  co_await ctx.access.SyncIfReady(ctx);
  auto blockstats = domain_->Active() ? domain_->BlockStats() : nlohmann::json::array();
  try {
    if (co_await ctx.access.PowerOffIfReady(ctx)) {
      auto until = RunContext::Clock::now() + ctx.Scaled(kShutdownTimeout);
      while (domain_->Active() && RunContext::Clock::now() < until) co_await Sleep(ctx, milliseconds(100));
    }
  } catch (const std::exception&) {
  }
  domain_->Destroy();
  co_return MergeBlockstats(ctx.blockstats_before_unplug, blockstats);
}

}  // namespace livecheck
