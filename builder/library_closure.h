#pragma once
#include <filesystem>
#include <string_view>
#include <vector>

namespace livecheck {

namespace fs = std::filesystem;

/// Parses `ldd` output into the absolute paths of the shared objects a
/// binary loads (including the dynamic loader), as ldd reports them.
/// Throws Error naming a library that ldd reports "not found".
std::vector<fs::path> ParseLddOutput(std::string_view text, const fs::path& binary);

/// Runs `ldd BINARY` (argv, no shell). A static binary has an empty closure.
std::vector<fs::path> LibraryClosure(const fs::path& binary);

}  // namespace livecheck
