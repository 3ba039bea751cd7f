#include "runner/guest_access.h"

#include "runner/agent_access.h"
#include "runner/shell_access.h"

namespace livecheck {

std::unique_ptr<GuestAccess> MakeGuestAccess(const RunRequest& request, asio::any_io_executor executor) {
  if (request.external) return std::make_unique<ShellAccess>(executor);
  return std::make_unique<AgentAccess>(executor);
}

}  // namespace livecheck
