#pragma once
// Every stacked block device (md array, LVM volume, dm-crypt mapping) the
// agent has seen since it began to serve: looked at when it starts, before
// each request and whenever it has been idle for half a second. A volume
// that udev activated at boot and something deactivated before the host
// asked for the block devices is still reported (the kernel logs neither).
#include <string>

#include <nlohmann/json.hpp>

namespace livecheck::agent {

class StackedWatch {
 public:
  explicit StackedWatch(std::string sys_block = "/sys/class/block") : sys_block_(std::move(sys_block)) {}
  /// Adds the stacked devices there now that were not seen before (the same
  /// name on the same slaves), with the uptime they were first seen at.
  void Scan(double uptime);
  /// [{name, slaves, dm_name, dm_uuid, first_seen}], at most 256.
  const nlohmann::json& Seen() const { return seen_; }

 private:
  std::string sys_block_;
  nlohmann::json seen_ = nlohmann::json::array();
};

}  // namespace livecheck::agent
