#include "builder/initramfs.h"

#include <fmt/format.h>

#include "builder/embedded_scripts.h"
#include "builder/required_modules.h"
#include "builder/rootfs.h"
#include "common/error.h"
#include "common/shell_quote.h"

namespace livecheck {

std::string MediumFsType(BootPath boot) { return boot == BootPath::kIso ? "iso9660" : "vfat"; }

fs::path UnionBinary(UnionBackend backend) {
  switch (backend) {
    case UnionBackend::kUnionfsFuse: return "/usr/bin/unionfs";
    case UnionBackend::kFuseOverlayfs: return "/usr/bin/fuse-overlayfs";
    default: return {};
  }
}

InitramfsPlan PlanInitramfs(const VariantConfig& variant, const GuestKernel& kernel, const ModuleIndex& index,
                            const MediumIdentity& medium) {
  InitramfsPlan plan;
  plan.kernel_version = kernel.version;
  plan.modules_dir = kernel.modules_dir;
  auto groups = RequiredModules(variant);
  auto params = ModuleParameters();
  std::string unions;
  for (auto backend : BootableUnions(variant)) {
    unions += (unions.empty() ? "" : " ") + std::string(Name(backend));
    if (backend == UnionBackend::kAufs && !KernelHasModule(index, "aufs"))
      throw Error(fmt::format("{}: variant '{}': union backend aufs needs a kernel with aufs, and kernel {} has none "
                              "(Debian's kernels do not ship aufs; use overlay, unionfs-fuse or fuse-overlayfs)",
                              variant.defined_at, variant.name, kernel.version));
    auto binary = UnionBinary(backend);
    if (!binary.empty()) {
      if (!fs::exists(binary))
        throw Error(fmt::format("{}: variant '{}': union backend {} needs {} (apt-get install {})",
                                variant.defined_at, variant.name, Name(backend), binary.string(), Name(backend)));
      plan.union_binaries.push_back(binary);
    }
  }
  for (const auto& group : GroupLoadOrder(variant, groups)) {
    try {
      for (auto& load : ResolveModules(index, groups.at(group), params)) plan.modules.push_back({group, load});
    } catch (const Error& e) {
      throw Error(fmt::format("{}: variant '{}': {}", variant.defined_at, variant.name, e.what()));
    }
  }
  plan.live_conf = fmt::format(
      "# Written by livecheck build; kernel command-line options override these.\n"
      "LIVE_LABEL={}\nLIVE_UUID=\nLIVE_MEDIUM_ID={}\nLIVE_TORAM={}\nLIVE_UNION={}\nLIVE_UNIONS={}\n"
      "LIVE_MEDIUM_WAIT={}\nLIVE_MEDIUM_FS={}\nLIVE_SQUASHFS={}\nLIVE_KVER={}\n"
      "LIVE_AGENT_SETTLE={}\nLIVE_ROOT_MARKS={}\n",
      ShellQuote(variant.label), ShellQuote(medium.live_conf_value), variant.toram ? 1 : 0, ShellQuote(std::string(Name(variant.union_backend))),
      ShellQuote(unions), variant.medium_wait_seconds, MediumFsType(variant.boot), kSquashfsOnMedium,
      ShellQuote(kernel.version),
      // livecheck's own root says when it is ready; any other init is
      // watched until the system settles (systemd's own verdict, or quiet).
      variant.rootfs ? "auto" : "file:/run/livecheck/settled", variant.rootfs ? 0 : 1);
  plan.fault_script = variant.fault_after_medium;
  plan.medium_fault_script = variant.fault_finding_medium;
  return plan;
}

FileTree InitramfsTree(const InitramfsPlan& plan, const fs::path& busybox, const fs::path& agent) {
  FileTree tree;
  AddBusybox(tree, busybox);
  tree.AddFile("livecheck/livecheck-agent", agent, 0755);
  tree.AddText("init", kLiveInitScript, 0755);
  tree.AddText("etc/livecheck/live.conf", plan.live_conf);
  std::string module_list;
  for (const auto& m : plan.modules) {
    module_list += fmt::format("{} {} {} {}\n", m.group, m.load.optional ? 1 : 0, m.load.path, m.load.params);
    tree.AddFile(fmt::format("lib/modules/{}/{}", plan.kernel_version, m.load.path), plan.modules_dir / m.load.path,
                 0644);
  }
  tree.AddText("etc/livecheck/modules", module_list);
  if (!plan.fault_script.empty()) tree.AddText("etc/livecheck/fault.sh", plan.fault_script + "\n");
  if (!plan.medium_fault_script.empty()) tree.AddText("etc/livecheck/fault-medium.sh", plan.medium_fault_script + "\n");
  for (const auto& binary : plan.union_binaries) AddBinaryWithLibraries(tree, binary);
  // The kernel opens /dev/console before /init runs; devtmpfs is mounted only later.
  tree.AddCharDevice("dev/console", 5, 1, 0600);
  for (const char* dir : {"proc", "sys", "run", "newroot", "tmp"}) tree.AddDirectory(dir);
  return tree;
}

}  // namespace livecheck
