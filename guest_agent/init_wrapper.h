#pragma once
// For initramfs images livecheck did not build: the agent binary, appended
// to the image's own initrd and started by the kernel as `rdinit=`, runs as
// PID 1 just long enough to start the agent beside the image's own /init,
// then becomes that init (exec), so the image boots exactly as it would.
namespace livecheck::agent {

/// Where the wrapper keeps the agent's private tmpfs (its copy, its own
/// /dev and /proc): a mount point, so no switch_root empties it.
inline constexpr const char* kWrapperDir = "/.livecheck";

/// Runs as PID 1 of the initramfs: starts the agent (argv[0] "@livecheck-agent",
/// which systemd's switch-root spares), prints agent-started, then execs
/// /init with `argv`. Returns only when no init could be executed.
int RunAsInitWrapper(char** argv);

}  // namespace livecheck::agent
