#pragma once
// Booting an initrd livecheck did not build with livecheck's agent inside,
// without touching the user's file: a copy of their initrd with a small
// cpio archive appended (the kernel unpacks concatenated archives in order),
// holding the static agent as /livecheck-init, and `rdinit=/livecheck-init`
// on the command line. The agent, as PID 1 for a moment, starts itself
// beside the image's own /init and then execs it (guest_agent/init_wrapper.h).
#include <cstdint>
#include <filesystem>
#include <string>

namespace livecheck {

namespace fs = std::filesystem;

inline constexpr const char* kInjectedInit = "/livecheck-init";

/// What was added to the system under test, for the report.
struct AgentInjection {
  fs::path initrd;             ///< the combined initrd (the user's, then ours)
  std::string append;          ///< the command line with rdinit= added
  std::string agent_sha256;
  uint64_t agent_bytes = 0;
  uint64_t archive_bytes = 0;  ///< the appended cpio archive
};

/// Writes `out`: `initrd`'s bytes, zero padding to 4 bytes, then the agent
/// archive; adds rdinit= to `append`. Throws Error when `append` already
/// names an rdinit= (the image's init would not start) or a file is unreadable.
AgentInjection InjectAgent(const fs::path& initrd, const std::string& append, const fs::path& agent,
                           const fs::path& out);

}  // namespace livecheck
