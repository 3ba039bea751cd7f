#pragma once
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace livecheck {

namespace fs = std::filesystem;

/// What modules.dep and modules.builtin say about one kernel's modules.
struct ModuleIndex {
  std::string kernel_version;
  std::map<std::string, std::string> path_by_name;               ///< "usb_storage" -> "kernel/.../usb-storage.ko"
  std::map<std::string, std::vector<std::string>> deps_by_path;  ///< path -> paths it needs
  std::set<std::string> builtin;                                 ///< names compiled into the kernel
};

/// Module names compare with '-' and '_' as equals (as modprobe does).
std::string NormalizeModuleName(std::string_view name);

/// "kernel/fs/fuse/fuse.ko.xz" -> "fuse".
std::string ModuleNameFromPath(std::string_view path);

/// Parses the two index files' text. Pure: for tests and for LoadModuleIndex.
ModuleIndex ParseModuleIndex(std::string_view modules_dep, std::string_view modules_builtin,
                             const std::string& kernel_version);

/// Reads `modules_dir`/modules.dep (required) and modules.builtin (optional).
ModuleIndex LoadModuleIndex(const fs::path& modules_dir);

/// A module to load, in order, with its insmod parameters.
struct ModuleLoad {
  std::string name;
  std::string path;  ///< relative to the modules directory
  std::string params;
  bool optional = false;  ///< wanted with '?': a failed insmod is not fatal
};

/// Orders the wanted modules and everything they depend on so that every
/// module comes after its dependencies; each appears once. Built-in modules
/// are skipped. A wanted name ending in '?' is optional: skipped when absent.
/// Throws Error naming the module and kernel when a required one is missing.
std::vector<ModuleLoad> ResolveModules(const ModuleIndex& index, const std::vector<std::string>& wanted,
                                       const std::map<std::string, std::string>& params = {});

/// True when the kernel can provide `name` (as a module or built in).
bool KernelHasModule(const ModuleIndex& index, std::string_view name);

}  // namespace livecheck
