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

size_t Position(const std::vector<std::string>& order, const std::string& group) {
  return std::find(order.begin(), order.end(), group) - order.begin();
}

TEST(RequiredModulesTest, TheMediumsControllersLoadFirstAndTheInternalDisksLast) {
  VariantConfig stick;
  stick.extra_unions = {UnionBackend::kUnionfsFuse};
  auto groups = RequiredModules(stick);
  auto order = GroupLoadOrder(stick, groups);
  ASSERT_EQ(order.size(), groups.size());
  for (const auto& [group, _] : groups) EXPECT_LT(Position(order, group), order.size()) << group;
  EXPECT_EQ(order[0], "pci-class:0c0330");
  EXPECT_EQ(order[1], "pci-class:0c0320");
  EXPECT_LT(Position(order, "cpu-flag:pclmulqdq"), Position(order, "base")) << "crc-t10dif binds the best CRC code";
  EXPECT_LT(Position(order, "base"), Position(order, "union:unionfs-fuse"));
  for (const char* disk : {"pci-class:0106", "pci-class:0108", "pci-vendor:1af4"})
    EXPECT_GT(Position(order, disk), Position(order, "union:overlay")) << disk;

  VariantConfig iso;
  iso.boot = BootPath::kIso;
  auto iso_order = GroupLoadOrder(iso, RequiredModules(iso));
  EXPECT_EQ(std::vector<std::string>(iso_order.begin(), iso_order.begin() + 4),
            (std::vector<std::string>{"pci-class:0101", "pci-class:0106", "pci-class:0c0330", "pci-class:0c0320"}));
}

}  // namespace
}  // namespace livecheck
