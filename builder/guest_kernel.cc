#include "builder/guest_kernel.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "common/error.h"

namespace livecheck {

GuestKernel FindGuestKernel(const std::optional<fs::path>& kernel, const std::optional<fs::path>& modules,
                            const fs::path& boot_dir, const fs::path& modules_root) {
  std::error_code ec;
  GuestKernel found;
  if (kernel) {
    if (!fs::is_regular_file(*kernel, ec)) throw Error(fmt::format("kernel {} does not exist", kernel->string()));
    found.image = *kernel;
    std::string name = kernel->filename().string();
    found.version = name.starts_with("vmlinuz-") ? name.substr(8) : "";
  } else {
    std::vector<std::string> versions;
    if (fs::is_directory(boot_dir, ec))
      for (const auto& entry : fs::directory_iterator(boot_dir, ec)) {
        std::string name = entry.path().filename().string();
        if (name.starts_with("vmlinuz-") && fs::exists(modules_root / name.substr(8) / "modules.dep", ec))
          versions.push_back(name.substr(8));
      }
    if (versions.empty())
      throw Error(fmt::format("no guest kernel: no {}/vmlinuz-* with modules in {} (apt-get install linux-image-amd64, "
                              "or set kernel = and modules = in the variants file)",
                              boot_dir.string(), modules_root.string()));
    std::sort(versions.begin(), versions.end());
    found.version = versions.back();
    found.image = boot_dir / ("vmlinuz-" + found.version);
  }
  if (modules) {
    found.modules_dir = *modules;
    if (found.version.empty()) found.version = modules->filename().string();
  } else {
    if (found.version.empty())
      throw Error(fmt::format("kernel {}: cannot tell its version from the name; set modules = in the variants file",
                              found.image.string()));
    found.modules_dir = modules_root / found.version;
  }
  if (!fs::is_directory(found.modules_dir, ec))
    throw Error(fmt::format("kernel modules directory {} does not exist", found.modules_dir.string()));
  return found;
}

std::optional<GuestKernel> FindKernelInTree(const fs::path& root) {
  std::error_code ec;
  auto canonical_root = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  for (const char* modules_root : {"usr/lib/modules", "lib/modules"}) {
    auto dir = fs::weakly_canonical(root / modules_root, ec);
    if (ec || !fs::is_directory(dir, ec)) continue;
    auto rel = dir.lexically_relative(canonical_root);
    if (rel.empty() || *rel.begin() == "..") continue;
    try {
      return FindGuestKernel(std::nullopt, std::nullopt, root / "boot", dir);
    } catch (const Error&) {
      continue;
    }
  }
  return std::nullopt;
}

}  // namespace livecheck
