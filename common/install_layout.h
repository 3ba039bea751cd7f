#pragma once
// Where livecheck finds what it ships, in a build tree and once installed
// (`cmake --install`, the .deb): always relative to the running executable,
// so an installation under any prefix, or unpacked with DESTDIR, finds its
// own files and never a source tree.
//
//   <prefix>/bin/livecheck
//   <prefix>/libexec/livecheck/livecheck-agent
//   <prefix>/share/livecheck/variants.toml, scenarios/, fixtures/
#include <filesystem>
#include <vector>

namespace livecheck {

namespace fs = std::filesystem;

/// The directory of the running executable ("" if /proc/self/exe is unreadable).
fs::path ExecutableDir();

/// Where the guest agent may be, in order: beside the executable (a build
/// tree), then <prefix>/libexec/livecheck.
std::vector<fs::path> AgentCandidates(const fs::path& exe_dir);

/// The first of AgentCandidates that exists; "" when none does.
fs::path FindAgentNear(const fs::path& exe_dir);

/// <prefix>/share/livecheck when it exists, else "".
fs::path InstalledDataDir(const fs::path& exe_dir);

/// A default path of the command line ("builder/variants.toml",
/// "scenarios"): as given when it exists under the working directory (a
/// checkout), else `installed` under the installed data directory when that
/// exists, else as given (the error then names the path the user expects).
fs::path DefaultDataPath(const fs::path& in_checkout, const fs::path& installed, const fs::path& exe_dir);

}  // namespace livecheck
