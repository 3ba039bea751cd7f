#include "builder/build_config.h"

#include <set>

#include "common/testing.h"

namespace livecheck {
namespace {

BuildConfigResult Parse(const std::string& text) { return ParseBuildConfig(text, "/cfg/variants.toml"); }

TEST(BuildConfigTest, DefaultsApplyAndVariantsOverride) {
  auto result = Parse(R"(
[defaults]
compressor = "zstd"
label = "LIVE1"

[variant.a]
boot = "usb-bios"

[variant.b]
compressor = "lz4"
toram = true
union = "unionfs-fuse"
extra_unions = ["overlay", "fuse-overlayfs"]
rootfs = "trees/root"
)");
  ASSERT_TRUE(result.errors.empty()) << result.errors[0];
  ASSERT_EQ(result.config.variants.size(), 2u);
  const auto& a = result.config.variants[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.boot, BootPath::kUsbBios);
  EXPECT_EQ(a.compressor, Compressor::kZstd);
  EXPECT_EQ(a.label, "LIVE1");
  EXPECT_EQ(a.defined_at, "/cfg/variants.toml:6");
  EXPECT_EQ(a.exclude, DefaultExcludeList());
  const auto& b = result.config.variants[1];
  EXPECT_EQ(b.compressor, Compressor::kLz4);
  EXPECT_TRUE(b.toram);
  EXPECT_EQ(b.union_backend, UnionBackend::kUnionfsFuse);
  EXPECT_EQ(b.extra_unions.size(), 2u);
  EXPECT_EQ(*b.rootfs, fs::path("/cfg/trees/root"));  // relative to the config file
}

TEST(BuildConfigTest, UnknownKeyNamesFileLineAndKey) {
  auto result = Parse("[variant.a]\ncompresor = \"xz\"\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], "/cfg/variants.toml:2:13: unknown key 'compresor' in [variant.a]");
}

TEST(BuildConfigTest, UnknownValuesAreReportedTogether) {
  auto result = Parse("[variant.a]\ncompressor = \"bzip2\"\nunion = \"aufs3\"\nboot = \"floppy\"\n");
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0],
            "/cfg/variants.toml:2:14: unknown compressor 'bzip2' (expected xz, zstd, lz4, gzip)");
  EXPECT_EQ(result.errors[1],
            "/cfg/variants.toml:3:9: unknown union backend 'aufs3' (expected overlay, unionfs-fuse, fuse-overlayfs, aufs)");
  EXPECT_EQ(result.errors[2],
            "/cfg/variants.toml:4:8: unknown boot path 'floppy' (expected direct, usb-bios, usb-uefi, iso)");
}

TEST(BuildConfigTest, MalformedTomlGivesPosition) {
  auto result = Parse("[variant.a\nboot = \"direct\"\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_TRUE(result.errors[0].starts_with("/cfg/variants.toml:1:")) << result.errors[0];
}

TEST(BuildConfigTest, WrongTypesAreErrors) {
  auto result = Parse("[variant.a]\ntoram = \"yes\"\nmedium_wait_seconds = -3\nlabel = \"lower case\"\n");
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0], "/cfg/variants.toml:2:9: 'toram' must be true or false");
  EXPECT_EQ(result.errors[1], "/cfg/variants.toml:3:23: 'medium_wait_seconds' must be an integer from 1 to 3600");
  EXPECT_EQ(result.errors[2],
            "/cfg/variants.toml:4:9: label 'lower case' must be 1-11 characters of A-Z, 0-9, '-' or '_'");
}

TEST(BuildConfigTest, UnknownTopLevelKeyAndEmptyFile) {
  auto result = Parse("colour = 1\n");
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0],
            "/cfg/variants.toml:1:10: unknown key 'colour' (expected source_date_epoch, [defaults] or [variant.NAME])");
  EXPECT_EQ(result.errors[1], "/cfg/variants.toml: no [variant.NAME] tables declared");
}

TEST(BuildConfigTest, SelectUnknownVariantIsAnError) {
  auto result = Parse("[variant.a]\n");
  EXPECT_EQ(SelectVariants(result.config, {"a"}).size(), 1u);
  EXPECT_ERROR_CONTAINS(SelectVariants(result.config, {"zz"}), "--variant zz: no such variant in /cfg/variants.toml");
}

TEST(BuildConfigTest, MissingFileIsAnError) {
  EXPECT_ERROR_CONTAINS(LoadBuildConfig("/nonexistent/v.toml"), "/nonexistent/v.toml: no such config file");
}

TEST(BuildConfigTest, ShippedDefaultVariantsParse) {
  auto config = LoadBuildConfig(fs::path(LIVECHECK_SOURCE_DIR) / "builder/variants.toml");
  std::set<std::string> boots, compressors, unions;
  bool toram_bios = false;
  for (const auto& v : config.variants) {
    boots.insert(std::string(Name(v.boot)));
    compressors.insert(std::string(Name(v.compressor)));
    unions.insert(std::string(Name(v.union_backend)));
    toram_bios = toram_bios || (v.toram && v.boot == BootPath::kUsbBios);
  }
  EXPECT_EQ(boots, (std::set<std::string>{"direct", "usb-bios", "usb-uefi", "iso"}));
  EXPECT_EQ(compressors, (std::set<std::string>{"xz", "zstd", "lz4", "gzip"}));
  EXPECT_EQ(unions, (std::set<std::string>{"overlay", "unionfs-fuse", "fuse-overlayfs"}));
  EXPECT_TRUE(toram_bios);
}

}  // namespace
}  // namespace livecheck
