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

/// The kernel a user's root tree ships: its newest /boot/vmlinuz-<v> with
/// /usr/lib/modules/<v> or /lib/modules/<v> (a user's modules must match the
/// kernel that boots them). nullopt when the tree has none, or when the
/// modules directory would lead out of the tree (an absolute symlink would
/// point into the host).
std::optional<GuestKernel> FindKernelInTree(const fs::path& root);

}  // namespace livecheck
