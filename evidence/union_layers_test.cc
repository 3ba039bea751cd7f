#include "evidence/union_layers.h"

#include "common/testing.h"

namespace livecheck {
namespace {

using testing::Mount;

TEST(UnionLayersTest, FromTheRootOverlaysSuperOptionsOrMergedOptions) {
  auto root = Mount("/", "overlay", "rw,relatime", "LiveOS_rootfs");
  root["super_options"] = "rw,lowerdir=/run/rootfsbase:/run/extra,upperdir=/run/overlayfs,workdir=/run/ovlwork";
  auto layers = FindUnionLayers(nlohmann::json::array({root}));
  EXPECT_EQ(layers.lower_dirs, (std::vector<std::string>{"/run/rootfsbase", "/run/extra"}));
  EXPECT_EQ(layers.upper_dir, "/run/overlayfs");
  EXPECT_TRUE(layers.from_root_overlay);
  auto merged = FindUnionLayers(nlohmann::json::array(
      {Mount("/", "overlay", "rw,lowerdir=/run/live/rootfs/filesystem.squashfs/,upperdir=/run/live/overlay/rw")}));
  EXPECT_EQ(merged.lower_dirs, std::vector<std::string>{"/run/live/rootfs/filesystem.squashfs/"});
  EXPECT_EQ(LayersEvidence(merged)["found_in"], "the root overlay's options");
}

TEST(UnionLayersTest, NoOverlayRootMeansLivechecksLayout) {
  for (const auto& mounts : {nlohmann::json::array({Mount("/", "fuse.unionfs", "rw")}), nlohmann::json("garbage")}) {
    auto layers = FindUnionLayers(mounts);
    EXPECT_EQ(layers.lower_dirs, std::vector<std::string>{"/run/live/lower"});
    EXPECT_EQ(layers.upper_dir, "/run/live/upper/data");
    EXPECT_FALSE(layers.from_root_overlay);
  }
}

TEST(UnionLayersTest, InLayerJoinsWithoutDoubleSlashes) {
  EXPECT_EQ(InLayer("/run/rootfsbase", "p"), "/run/rootfsbase/p");
  EXPECT_EQ(InLayer("/run/live/rootfs/filesystem.squashfs//", "p"), "/run/live/rootfs/filesystem.squashfs/p");
  EXPECT_EQ(InLayer("/", "p"), "/p");
}

}  // namespace
}  // namespace livecheck
