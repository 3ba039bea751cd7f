#include "common/install_layout.h"

namespace livecheck {

fs::path ExecutableDir() {
  std::error_code ec;
  auto self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : self.parent_path();
}

std::vector<fs::path> AgentCandidates(const fs::path& exe_dir) {
  return {exe_dir / "livecheck-agent", exe_dir.parent_path() / "libexec/livecheck/livecheck-agent"};
}

fs::path FindAgentNear(const fs::path& exe_dir) {
  std::error_code ec;
  for (const auto& candidate : AgentCandidates(exe_dir))
    if (fs::is_regular_file(candidate, ec)) return candidate;
  return {};
}

fs::path InstalledDataDir(const fs::path& exe_dir) {
  std::error_code ec;
  auto dir = exe_dir.parent_path() / "share/livecheck";
  return fs::is_directory(dir, ec) ? dir : fs::path();
}

fs::path DefaultDataPath(const fs::path& in_checkout, const fs::path& installed, const fs::path& exe_dir) {
  std::error_code ec;
  if (fs::exists(in_checkout, ec)) return in_checkout;
  auto data = InstalledDataDir(exe_dir);
  if (!data.empty() && fs::exists(data / installed, ec)) return data / installed;
  return in_checkout;
}

}  // namespace livecheck
