#pragma once

namespace livecheck {

/// The initramfs /init (builder/live_init.sh), compiled in so the binary is self-contained.
extern const char* const kLiveInitScript;
/// /sbin/init of the built-in userland (builder/rootfs_init.sh).
extern const char* const kRootfsInitScript;

}  // namespace livecheck
