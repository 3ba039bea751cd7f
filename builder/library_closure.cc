#include "builder/library_closure.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/process.h"

namespace livecheck {

std::vector<fs::path> ParseLddOutput(std::string_view text, const fs::path& binary) {
  std::vector<fs::path> libs;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    start = end + 1;
    if (line.find("not found") != std::string_view::npos)
      throw Error(fmt::format("{} needs a library that is not installed: {}", binary.string(),
                              std::string(line.substr(line.find_first_not_of(" \t")))));
    // "libfuse.so.2 => /lib/x86_64-linux-gnu/libfuse.so.2 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    auto arrow = line.find("=> ");
    auto path_start = arrow != std::string_view::npos ? arrow + 3 : line.find_first_not_of(" \t");
    if (path_start == std::string_view::npos || line[path_start] != '/') continue;  // linux-vdso
    auto path_end = line.find(" (", path_start);
    libs.emplace_back(std::string(line.substr(path_start, path_end - path_start)));
  }
  return libs;
}

std::vector<fs::path> LibraryClosure(const fs::path& binary) {
  auto result = RunProcess({.argv = {"ldd", binary.string()}});
  if (result.out.find("not a dynamic executable") != std::string::npos ||
      result.err.find("not a dynamic executable") != std::string::npos)
    return {};
  if (result.exit_code != 0) throw Error(fmt::format("ldd {} failed: {}", binary.string(), result.err));
  return ParseLddOutput(result.out, binary);
}

}  // namespace livecheck
