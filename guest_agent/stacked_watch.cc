#include "guest_agent/stacked_watch.h"

#include "guest_agent/agent_commands.h"

namespace livecheck::agent {

void StackedWatch::Scan(double uptime) {
  constexpr size_t kMaxSeen = 256;
  for (auto& device : StackedDevices(sys_block_)) {
    bool known = false;
    for (const auto& s : seen_) known = known || (s["name"] == device["name"] && s["slaves"] == device["slaves"]);
    if (known || seen_.size() >= kMaxSeen) continue;
    device["first_seen"] = uptime;
    seen_.push_back(std::move(device));
  }
}

}  // namespace livecheck::agent
