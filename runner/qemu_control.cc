#include "runner/qemu_control.h"

#include "common/json_fields.h"
#include "evidence/disk_evidence.h"
#include "runner/guest_access.h"

namespace livecheck {
namespace {

// QMP arguments are built by plain functions: GCC 12 miscompiles braced
// initializers holding string literals inside coroutine bodies.
nlohmann::json NoArguments() { return nlohmann::json::object(); }
nlohmann::json DeviceId(const std::string& id) { return {{"id", id}}; }
nlohmann::json DumpMemoryArguments(const fs::path& file) { return {{"paging", false}, {"protocol", "file:" + file.string()}}; }
bool IsStickDeleted(const nlohmann::json& e) { return StringField(ObjectField(e, "data"), "device") == "stickdev"; }
bool AnyEvent(const nlohmann::json&) { return true; }

}  // namespace

QemuControl::QemuControl(const MachineDescription& machine, VmSession& session, asio::any_io_executor executor)
    : argv_(QemuCommand(machine)), session_(session), qmp_(executor) {
  session_.Start(argv_, HostPagesFor(machine));
}

asio::awaitable<nlohmann::json> QemuControl::Counters(RunContext& ctx) {
  co_return co_await qmp_.Execute("query-blockstats", NoArguments(), ctx.Budget(kQmpTimeout));
}

asio::awaitable<void> QemuControl::Connect(RunContext& ctx) {
  co_await qmp_.Connect(session_.qmp_socket(), ctx.Scaled(kConnectTimeout));
}

bool QemuControl::Gone() const { return session_.qemu()->WaitExit(milliseconds(0)).has_value(); }

asio::awaitable<void> QemuControl::UnplugStick(RunContext& ctx) {
  if (ctx.stick_unplugged) co_return;
  ctx.blockstats_before_unplug = co_await qmp_.Execute("query-blockstats", NoArguments(), ctx.Budget(kQmpTimeout));
  co_await qmp_.Execute("device_del", DeviceId("stickdev"), ctx.Budget(kQmpTimeout));
  // usb-storage emits DEVICE_DELETED for an internal SCSI child first: wait for ours.
  co_await qmp_.WaitEvent("DEVICE_DELETED", IsStickDeleted, ctx.Budget(kUnplugTimeout));
  ctx.stick_unplugged = true;
}

asio::awaitable<void> QemuControl::DumpMemory(RunContext& ctx, const std::filesystem::path& file) {
  co_await qmp_.Execute("dump-guest-memory", DumpMemoryArguments(file), ctx.Budget(kHashTimeout));
}

asio::awaitable<void> QemuControl::PowerOff(RunContext& ctx) {
  if (!co_await ctx.access.PowerOff(ctx)) co_return;
  co_await qmp_.WaitEvent("SHUTDOWN", AnyEvent, ctx.Budget(kShutdownTimeout));
  ctx.powered_off = true;
}

asio::awaitable<nlohmann::json> QemuControl::Stop(RunContext& ctx) {
  try {
    if (!ctx.powered_off && co_await ctx.access.PowerOffIfReady(ctx))
      co_await qmp_.WaitEvent("SHUTDOWN", AnyEvent, ctx.Scaled(kShutdownTimeout));
    co_await ctx.access.SyncIfReady(ctx);
  } catch (const std::exception&) {
    // A guest that cannot power off still gets its counters read and is stopped.
  }
  auto blockstats = co_await qmp_.Execute("query-blockstats", NoArguments(), ctx.Scaled(kQmpTimeout));
  quitting_ = !Gone();
  try {
    co_await qmp_.Execute("quit", NoArguments(), ctx.Scaled(kQmpTimeout));
  } catch (const QmpError&) {
    // QEMU may close the socket before answering quit.
  }
  session_.qemu()->WaitExit(ctx.Scaled(milliseconds(10000)));
  co_return MergeBlockstats(ctx.blockstats_before_unplug, blockstats);
}

void QemuControl::NoteHowItEnded(ErrorFacts& facts) {
  if (quitting_) return;
  auto status = session_.qemu()->ExitedOnItsOwn();
  if (!status) return;
  std::string reason = QemuExitReason(*status);
  // SIGTERM or SIGINT from outside: QEMU says so and exits 0.
  for (const auto& e : qmp_.event_log())
    if (StringField(e, "event") == "SHUTDOWN" && StringField(ObjectField(e, "data"), "reason") == "host-signal")
      reason = "QEMU was stopped by a signal from the host";
  if (reason.empty()) facts.machine_exited = true;
  else facts.machine_lost = reason;
}

}  // namespace livecheck
