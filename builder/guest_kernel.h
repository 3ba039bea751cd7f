#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace livecheck {

namespace fs = std::filesystem;

/// The kernel an image boots and the modules tree that matches it.
struct GuestKernel {
  fs::path image;        ///< vmlinuz
  fs::path modules_dir;  ///< /lib/modules/<version>
  std::string version;
};

/// Picks the kernel: the given paths, or else the newest /boot/vmlinuz-<v>
/// whose /lib/modules/<v>/modules.dep exists (Debian's linux-image-amd64).
/// Throws Error saying what is missing and which package provides it.
GuestKernel FindGuestKernel(const std::optional<fs::path>& kernel, const std::optional<fs::path>& modules,
                            const fs::path& boot_dir = "/boot", const fs::path& modules_root = "/lib/modules");

}  // namespace livecheck
