#include "builder/manifest.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(ManifestTest, RoundTripsThroughJson) {
  BuildManifest m{.variant = "direct-overlay-xz", .boot = "direct", .compressor = "xz", .union_backend = "overlay",
                  .unions = {"overlay"}, .toram = true, .label = "LIVECHECK", .medium_fs = "vfat",
                  .kernel_version = "6.1.0-1-amd64", .kernel_cmdline = "quiet", .cache_key = "abc",
                  .source_date_epoch = 5, .initramfs_modules = {"loop"}};
  m.artifacts.push_back({"kernel", "vmlinuz", 10, "00ff"});
  m.rootfs.push_back({"/bin/busybox", "file", 0755, 99, "beef", ""});
  m.rootfs.push_back({"/bin/sh", "symlink", 0777, 0, "", "busybox"});
  auto back = ManifestFromJson(ManifestToJson(m), "test");
  EXPECT_EQ(ManifestToJson(back), ManifestToJson(m));
  EXPECT_EQ(back.rootfs[0].mode, 0755u);
  EXPECT_EQ(back.rootfs[1].target, "busybox");
  ASSERT_NE(FindArtifact(back, "kernel"), nullptr);
  EXPECT_EQ(FindArtifact(back, "iso"), nullptr);
}

TEST(ManifestTest, MalformedManifestNamesWhere) {
  EXPECT_ERROR_CONTAINS(ManifestFromJson(nlohmann::json{{"schema", 1}}, "out/x/manifest.json"),
                        "out/x/manifest.json: not a livecheck build manifest");
  EXPECT_ERROR_CONTAINS(ManifestFromJson(nlohmann::json{{"schema", 7}}, "m.json"),
                        "m.json: manifest schema 7 is not the supported 1");
}

}  // namespace
}  // namespace livecheck
