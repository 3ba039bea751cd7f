#pragma once
// Activations the kernel does not log: device-mapper devices (LVM volumes,
// dm-crypt mappings) and md arrays, seen in the guest's list of block
// devices with the devices they are built on (sysfs `slaves`). Every list
// the agent gave during the session counts, so a volume activated when the
// checks ran is seen even if it was never mounted.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/mount_trace.h"

namespace livecheck {

/// Adds the stacked devices of `block_devices` (agent answers: entries with
/// `slaves`) to `seen`, a JSON array of {name, slaves, dm_name, dm_uuid},
/// each device and set of slaves once, at most 256.
void NoteStackedDevices(nlohmann::json& seen, const nlohmann::json& block_devices);

/// What kind of stacked device: "lvm", "dm-crypt", "md" or "dm".
std::string StackedKind(const std::string& name, const std::string& dm_uuid);

/// One "activated" event per slave of each stacked device, on the slave
/// (the member partition, so it is attributed to its disk), source
/// "block-devices".
std::vector<MountEvent> StackedDeviceEvents(const nlohmann::json& seen);

}  // namespace livecheck
