#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "builder/build_config.h"
#include "builder/file_tree.h"
#include "builder/guest_kernel.h"
#include "builder/medium_identity.h"
#include "builder/module_resolver.h"

namespace livecheck {

namespace fs = std::filesystem;

/// The path of the squashfs on every live medium livecheck builds.
inline constexpr const char* kSquashfsOnMedium = "/live/root.squashfs";

struct InitramfsModule {
  std::string group;  ///< "base", "union:<backend>", "pci-class:<class>", ... (required_modules.h)
  ModuleLoad load;
};

/// Everything the initramfs holds, decided before any file is written.
struct InitramfsPlan {
  std::string kernel_version;
  fs::path modules_dir;
  std::vector<InitramfsModule> modules;
  std::vector<fs::path> union_binaries;  ///< FUSE daemons (with their libraries)
  std::string live_conf;                 ///< /etc/livecheck/live.conf
  std::string fault_script;              ///< /etc/livecheck/fault.sh (fixtures only)
  std::string medium_fault_script;       ///< /etc/livecheck/fault-medium.sh (fixtures only)
};

/// Decides the initramfs contents for a variant. Throws Error for a union
/// backend the kernel or host cannot provide (e.g. aufs on Debian's kernel).
InitramfsPlan PlanInitramfs(const VariantConfig& variant, const GuestKernel& kernel, const ModuleIndex& index,
                            const MediumIdentity& medium);

/// The file tree of the initramfs (busybox, /init, modules, FUSE tools, and
/// the guest agent, which /init starts for every root: livecheck's own and a
/// user's tree with any init).
FileTree InitramfsTree(const InitramfsPlan& plan, const fs::path& busybox, const fs::path& agent);

/// The file system type the initramfs mounts the medium as.
std::string MediumFsType(BootPath boot);

/// The FUSE daemon a backend runs, or empty for kernel unions.
fs::path UnionBinary(UnionBackend backend);

}  // namespace livecheck
