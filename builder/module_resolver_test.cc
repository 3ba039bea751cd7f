#include "builder/module_resolver.h"

#include <algorithm>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

const fs::path kTestData = fs::path(LIVECHECK_SOURCE_DIR) / "builder/testdata";

ModuleIndex FixtureIndex() {
  return ParseModuleIndex(ReadFile(kTestData / "modules.dep"), ReadFile(kTestData / "modules.builtin"), "test-1");
}

std::vector<std::string> Names(const std::vector<ModuleLoad>& loads) {
  std::vector<std::string> out;
  for (const auto& l : loads) out.push_back(l.name);
  return out;
}

size_t Position(const std::vector<std::string>& names, const std::string& name) {
  return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

TEST(ModuleResolverTest, NamesNormaliseDashesAndSuffixes) {
  EXPECT_EQ(ModuleNameFromPath("kernel/drivers/usb/storage/usb-storage.ko"), "usb_storage");
  EXPECT_EQ(ModuleNameFromPath("kernel/fs/fuse/fuse.ko.xz"), "fuse");
  EXPECT_EQ(NormalizeModuleName("crc-t10dif"), "crc_t10dif");
}

TEST(ModuleResolverTest, DependenciesComeFirstAndOnce) {
  auto names = Names(ResolveModules(FixtureIndex(), {"usb-storage", "scsi_mod", "squashfs"}));
  EXPECT_EQ(names.size(), 6u);
  EXPECT_LT(Position(names, "scsi_common"), Position(names, "scsi_mod"));
  EXPECT_LT(Position(names, "usb_common"), Position(names, "usbcore"));
  EXPECT_LT(Position(names, "usbcore"), Position(names, "usb_storage"));
  EXPECT_LT(Position(names, "scsi_mod"), Position(names, "usb_storage"));
  EXPECT_EQ(names.back(), "squashfs");
}

TEST(ModuleResolverTest, BuiltinModulesAreSkipped) {
  auto names = Names(ResolveModules(FixtureIndex(), {"overlay", "ext4", "loop"}));
  EXPECT_EQ(names, std::vector<std::string>{"loop"});
}

TEST(ModuleResolverTest, ParametersAttachToTheirModule) {
  auto loads = ResolveModules(FixtureIndex(), {"usb_storage"}, {{"usb_storage", "delay_use=0"}});
  EXPECT_EQ(loads.back().params, "delay_use=0");
  EXPECT_EQ(loads.front().params, "");
}

TEST(ModuleResolverTest, MissingModuleIsAnErrorNamingIt) {
  EXPECT_ERROR_CONTAINS(ResolveModules(FixtureIndex(), {"aufs"}),
                        "kernel module 'aufs' is neither in modules.dep nor built into kernel test-1");
}

TEST(ModuleResolverTest, OptionalMissingModuleIsSkipped) {
  EXPECT_TRUE(ResolveModules(FixtureIndex(), {"aufs?"}).empty());
}

TEST(ModuleResolverTest, MissingModulesDirectoryIsAnError) {
  EXPECT_ERROR_CONTAINS(LoadModuleIndex("/nonexistent/modules"), "/nonexistent/modules does not exist");
}

// The installed Debian kernel: whatever modprobe loads before a module M
// (its dependencies) must come before M in our order too.
TEST(ModuleResolverTest, AgreesWithModprobeOnInstalledKernel) {
  fs::path modules_root = "/lib/modules";
  if (!fs::exists(modules_root) || fs::is_empty(modules_root)) GTEST_SKIP() << "no kernel installed";
  fs::path dir = fs::directory_iterator(modules_root)->path();
  auto index = LoadModuleIndex(dir);
  auto names = Names(ResolveModules(index, {"xhci_pci", "usb-storage", "sd_mod", "vfat", "squashfs", "overlay"}));
  EXPECT_EQ(names.back(), "overlay");
  for (const auto& module : names) {
    auto modprobe = RunChecked({.argv = {"modprobe", "-S", dir.filename().string(), "--show-depends", module}});
    std::vector<std::string> before;
    size_t pos = 0;
    while ((pos = modprobe.out.find("insmod ", pos)) != std::string::npos) {
      auto end = modprobe.out.find_first_of(" \n", pos + 7);
      before.push_back(ModuleNameFromPath(modprobe.out.substr(pos + 7, end - pos - 7)));
      pos = end;
    }
    ASSERT_FALSE(before.empty()) << module;
    EXPECT_EQ(before.back(), module);
    before.pop_back();
    for (const auto& dep : before) {
      if (Position(names, dep) == names.size()) continue;  // a softdep we do not place
      EXPECT_LT(Position(names, dep), Position(names, module)) << dep << " must load before " << module;
    }
  }
}

}  // namespace
}  // namespace livecheck
