#include "runner/run_context.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/error.h"
#include "evidence/stacked_devices.h"
#include "runner/machine_control.h"

namespace livecheck {

milliseconds RunContext::Scaled(milliseconds base) const {
  return milliseconds(static_cast<int64_t>(static_cast<double>(base.count()) * options.timeout_scale));
}

milliseconds RunContext::Budget(milliseconds base) const {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  return std::max(milliseconds(0), std::min(Scaled(base), left));
}

double RunContext::HostSeconds() const { return std::chrono::duration<double>(Clock::now() - console.start).count(); }

void RunContext::Announce(const std::string& what) const {
  if (console.on_marker) console.on_marker(what);
}

asio::awaitable<void> Sleep(RunContext& ctx, milliseconds duration) {
  ctx.timer.expires_after(duration);
  co_await ctx.timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

std::string WhyTheGuestCannotGoOn(RunContext& ctx, const std::string& phase) {
  if (ctx.console.Seen("failed")) return fmt::format("the live init failed before phase '{}'", phase);
  if (!ctx.console.kernel_panic.empty())
    return fmt::format("the guest kernel panicked before phase '{}': {}", phase, ctx.console.kernel_panic);
  if (!ctx.console.gave_up.empty())
    return fmt::format("the guest gave up before phase '{}': {}", phase, ctx.console.gave_up);
  if (ctx.machine.Gone()) return fmt::format("QEMU exited before phase '{}'", phase);
  return "";
}

asio::awaitable<void> WaitForPhase(RunContext& ctx, const std::string& phase) {
  while (true) {
    ctx.console.Poll();
    if (ctx.console.Seen(phase)) co_return;
    if (auto why = WhyTheGuestCannotGoOn(ctx, phase); !why.empty()) throw Error(why);
    if (RunContext::Clock::now() >= ctx.deadline) throw Error(fmt::format("timed out waiting for phase '{}'", phase));
    co_await Sleep(ctx, milliseconds(100));
  }
}

asio::awaitable<bool> WaitBrieflyForPhase(RunContext& ctx, const std::string& phase, milliseconds limit) {
  auto until = RunContext::Clock::now() + limit;
  while (true) {
    ctx.console.Poll();
    if (ctx.console.Seen(phase)) co_return true;
    if (RunContext::Clock::now() >= until) co_return false;
    co_await Sleep(ctx, milliseconds(20));
  }
}

asio::awaitable<std::string> WaitUntilTheGuestCannotGoOn(RunContext& ctx, const std::string& phase) {
  while (true) {
    ctx.console.Poll();
    if (auto why = WhyTheGuestCannotGoOn(ctx, phase); !why.empty()) co_return why;
    co_await Sleep(ctx, milliseconds(100));
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) co_return "";
  }
}

void AddDiskFacts(RunContext& ctx, const nlohmann::json& mounts, const nlohmann::json& swaps,
                  const nlohmann::json& block_devices) {
  for (const auto& m : mounts) ctx.disk_facts["mounts"].push_back(m);
  for (const auto& w : swaps) ctx.disk_facts["swaps"].push_back(w);
  if (block_devices.is_array() && !block_devices.empty()) ctx.disk_facts["block_devices"] = block_devices;
  NoteStackedDevices(ctx.disk_facts["stacked"], block_devices);
}

}  // namespace livecheck
