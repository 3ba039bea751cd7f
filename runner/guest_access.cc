#include "runner/guest_access.h"

#include "runner/agent_access.h"
#include "runner/no_guest_access.h"
#include "runner/shell_access.h"

namespace livecheck {

std::unique_ptr<GuestAccess> MakeGuestAccess(const RunRequest& request, asio::any_io_executor executor) {
  if (request.external && request.external->guest == "none") return std::make_unique<NoGuestAccess>();
  if (request.external && request.external->guest == "shell") return std::make_unique<ShellAccess>(executor);
  return std::make_unique<AgentAccess>(executor);
}

}  // namespace livecheck
