#include "runner/no_guest_access.h"

#include "common/error.h"

namespace livecheck {

NoGuestAccess::NoGuestAccess() {
  MarkUnavailable(
      "nothing was injected and no console shell was asked for (--guest none): checks inside the guest need "
      "livecheck's agent (--kernel/--initrd, --boot extracted) or a root shell (--guest shell)");
}

asio::awaitable<void> NoGuestAccess::WaitReady(RunContext& ctx) { co_await WaitForPhase(ctx, "ready"); }

asio::awaitable<CheckResult> NoGuestAccess::GuestCheck(RunContext&, const std::string& name) {
  co_return CheckResult{name, Status::kSkip, unavailable(), {}};
}

asio::awaitable<nlohmann::json> NoGuestAccess::Workload(RunContext&, const std::string& name) {
  throw Error("workload " + name + ": " + unavailable());
  co_return nlohmann::json();
}

asio::awaitable<nlohmann::json> NoGuestAccess::RunCommand(RunContext&, const std::string&, double) {
  co_return nlohmann::json{{"error", unavailable()}};
}

}  // namespace livecheck
