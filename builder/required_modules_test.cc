#include "builder/required_modules.h"

#include <algorithm>

#include "common/testing.h"

namespace livecheck {
namespace {

bool Has(const std::vector<std::string>& group, const std::string& name) {
  return std::find(group.begin(), group.end(), name) != group.end();
}

// The initramfs knows these group kinds; a group of any other name would never load.
bool KnownGroupKind(const std::string& group) {
  for (const char* prefix : {"pci-class:", "pci-vendor:", "cpu-flag:", "union:"})
    if (group.rfind(prefix, 0) == 0) return true;
  return group == "base";
}

TEST(RequiredModulesTest, TheCpuSpecificCrcHelperLoadsOnlyWithItsCpuFlag) {
  auto groups = RequiredModules(VariantConfig{});
  EXPECT_FALSE(Has(groups["base"], "crct10dif_pclmul?"));
  EXPECT_TRUE(Has(groups["base"], "crct10dif_generic?"));
  EXPECT_EQ(groups["cpu-flag:pclmulqdq"], std::vector<std::string>{"crct10dif_pclmul?"});
}

TEST(RequiredModulesTest, EveryGroupIsOneTheInitramfsCanSelect) {
  VariantConfig iso;
  iso.boot = BootPath::kIso;
  iso.extra_unions = {UnionBackend::kUnionfsFuse};
  for (const auto& variant : {VariantConfig{}, iso})
    for (const auto& [group, modules] : RequiredModules(variant)) {
      EXPECT_TRUE(KnownGroupKind(group)) << group;
      EXPECT_FALSE(modules.empty()) << group;
    }
}

TEST(RequiredModulesTest, ControllersLoadByPciClassAndUnionsByName) {
  VariantConfig variant;
  variant.extra_unions = {UnionBackend::kFuseOverlayfs};
  auto groups = RequiredModules(variant);
  EXPECT_EQ(groups["pci-class:0c0330"], std::vector<std::string>{"xhci_pci"});
  EXPECT_EQ(groups["union:overlay"], std::vector<std::string>{"overlay"});
  EXPECT_EQ(groups["union:fuse-overlayfs"], std::vector<std::string>{"fuse"});
  EXPECT_FALSE(groups.count("pci-class:0101")) << "PIIX IDE only for the ISO";
}

}  // namespace
}  // namespace livecheck
