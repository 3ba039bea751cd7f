// Builds real variants with `livecheck build` and reads the outputs back with
// independent tools: unsquashfs, sfdisk, mtools, xorriso, cpio.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "builder/manifest.h"
#include "common/file_util.h"
#include "common/process.h"
#include "common/sha256.h"
#include "common/testing.h"

namespace livecheck {
namespace {

const fs::path kLivecheck = LIVECHECK_BINARY;

ProcessResult Livecheck(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
  std::vector<std::string> argv = {kLivecheck.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess({.argv = argv, .extra_env = env, .timeout = std::chrono::minutes(5)});
}

std::string Tool(const std::vector<std::string>& argv) { return RunChecked({.argv = argv}).out; }

// One build of a small variants file shared by the tests of this suite.
// They only read the images back; the reproducibility test builds a second
// copy of its own.
class ImageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir(fs::temp_directory_path(), "livecheck-images-");
    // Shared by this suite's test processes in CI (each test is a process of
    // its own there): the first builds, the others reuse, as users would.
    out_ = testing::ImagesDir(dir_->path() / "out", "image-test");
    config_ = dir_->path() / "variants.toml";
    WriteFileAtomic(config_, R"(
[variant.direct]
boot = "direct"
compressor = "zstd"
[variant.bios]
boot = "usb-bios"
compressor = "lz4"
[variant.uefi]
boot = "usb-uefi"
compressor = "gzip"
toram = true
[variant.iso]
boot = "iso"
)");
    auto result = Livecheck({"build", "--config", config_.string(), "--out", out_.string(), "-j", "2"});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  }
  static void TearDownTestSuite() { delete dir_; }

  static BuildManifest Manifest(const std::string& variant) {
    return ManifestFromJson(nlohmann::json::parse(ReadFile(out_ / variant / "manifest.json")), variant);
  }

  static TempDir* dir_;
  static fs::path out_;
  static fs::path config_;
};
TempDir* ImageTest::dir_ = nullptr;
fs::path ImageTest::out_;
fs::path ImageTest::config_;

TEST_F(ImageTest, SquashfsHasCompressorRootOwnerAndManifestFiles) {
  auto image = (out_ / "direct/root.squashfs").string();
  auto super = Tool({"unsquashfs", "-s", image});
  EXPECT_NE(super.find("Compression zstd"), std::string::npos) << super;
  auto listing = Tool({"unsquashfs", "-lln", image});
  EXPECT_NE(listing.find("0/0"), std::string::npos);
  EXPECT_EQ(listing.find(" 1000/"), std::string::npos);  // nobody's uid but root's
  EXPECT_NE(listing.find("squashfs-root/sbin/init"), std::string::npos);
  EXPECT_NE(listing.find("squashfs-root/bin/sh -> busybox"), std::string::npos);

  // Every manifest file's digest matches what unsquashfs extracts.
  auto extract = dir_->path() / "extract";
  Tool({"unsquashfs", "-q", "-n", "-d", extract.string(), image});
  auto manifest = Manifest("direct");
  int files = 0;
  for (const auto& e : manifest.rootfs) {
    if (e.type != "file") continue;
    EXPECT_EQ(Sha256File(extract / e.path.substr(1)), e.sha256) << e.path;
    ++files;
  }
  EXPECT_GT(files, 5);
  EXPECT_EQ(Tool({"unsquashfs", "-s", (out_ / "bios/root.squashfs").string()}).find("Compression lz4") ==
                std::string::npos,
            false);
}

TEST_F(ImageTest, ManifestListsArtifactsWithDigests) {
  auto manifest = Manifest("uefi");
  EXPECT_EQ(manifest.boot, "usb-uefi");
  EXPECT_EQ(manifest.compressor, "gzip");
  EXPECT_EQ(manifest.union_backend, "overlay");
  EXPECT_TRUE(manifest.toram);
  EXPECT_FALSE(manifest.kernel_version.empty());
  for (const char* name : {"kernel", "initrd", "squashfs", "stick"}) {
    const auto* a = FindArtifact(manifest, name);
    ASSERT_NE(a, nullptr) << name;
    EXPECT_EQ(a->size, fs::file_size(out_ / "uefi" / a->file));
    EXPECT_EQ(a->sha256, Sha256File(out_ / "uefi" / a->file));
  }
}

TEST_F(ImageTest, InitramfsHoldsInitModulesAndConfig) {
  auto listing = Tool({"sh", "-c", "zstd -dc \"$0\" | cpio -t --quiet", (out_ / "direct/initrd.img").string()});
  EXPECT_NE(listing.find("\ninit\n"), std::string::npos);
  EXPECT_NE(listing.find("etc/livecheck/live.conf"), std::string::npos);
  EXPECT_NE(listing.find("/kernel/fs/squashfs/squashfs.ko"), std::string::npos);
  EXPECT_NE(listing.find("/kernel/fs/overlayfs/overlay.ko"), std::string::npos);
  EXPECT_NE(listing.find("usb-storage.ko"), std::string::npos);
  EXPECT_EQ(listing.find("isofs.ko"), std::string::npos);  // only what a vfat stick needs
  auto iso_listing = Tool({"sh", "-c", "zstd -dc \"$0\" | cpio -t --quiet", (out_ / "iso/initrd.img").string()});
  EXPECT_NE(iso_listing.find("isofs.ko"), std::string::npos);
}

TEST_F(ImageTest, DirectStickIsMbrWithLabelledFatHoldingSquashfs) {
  auto image = (out_ / "direct/stick.img").string();
  auto table = Tool({"sfdisk", "-d", image});
  EXPECT_NE(table.find("label: dos"), std::string::npos) << table;
  EXPECT_NE(table.find("start=        2048"), std::string::npos) << table;
  auto dir = Tool({"mdir", "-i", image + "@@1M", "::/live"});
  EXPECT_NE(dir.find("root.squashfs"), std::string::npos) << dir;
  auto label = Tool({"mlabel", "-s", "-i", image + "@@1M", "::"});
  EXPECT_NE(label.find("LIVECHECK"), std::string::npos) << label;
  // The copy on the stick is the squashfs of the manifest.
  auto copy = dir_->path() / "stick-copy.squashfs";
  Tool({"mcopy", "-i", image + "@@1M", "::/live/root.squashfs", copy.string()});
  EXPECT_EQ(Sha256File(copy), FindArtifact(Manifest("direct"), "squashfs")->sha256);
}

TEST_F(ImageTest, BiosStickIsBootableWithSyslinux) {
  auto image = (out_ / "bios/stick.img").string();
  auto table = Tool({"sfdisk", "-d", image});
  EXPECT_NE(table.find("bootable"), std::string::npos) << table;
  auto all = Tool({"mdir", "-a", "-i", image + "@@1M", "::/syslinux"});
  EXPECT_NE(all.find("ldlinux  sys"), std::string::npos) << all;
  auto cfg = Tool({"mtype", "-i", image + "@@1M", "::/syslinux/syslinux.cfg"});
  EXPECT_NE(cfg.find("KERNEL /live/vmlinuz"), std::string::npos);
  auto live = Tool({"mdir", "-i", image + "@@1M", "::/live"});
  EXPECT_NE(live.find("vmlinuz"), std::string::npos);
  EXPECT_NE(live.find("initrd   img"), std::string::npos);
  // syslinux's MBR boot code and the boot signature.
  std::ifstream in(image, std::ios::binary);
  std::string mbr(512, '\0');
  in.read(mbr.data(), 512);
  EXPECT_EQ(mbr.substr(0, 440), ReadFile("/usr/lib/syslinux/mbr/mbr.bin").substr(0, 440));
  EXPECT_EQ(static_cast<unsigned char>(mbr[510]), 0x55);
  EXPECT_EQ(static_cast<unsigned char>(mbr[511]), 0xaa);
}

TEST_F(ImageTest, UefiStickIsGptWithEspAndLoader) {
  auto image = (out_ / "uefi/stick.img").string();
  auto table = Tool({"sfdisk", "-d", image});
  EXPECT_NE(table.find("label: gpt"), std::string::npos) << table;
  EXPECT_NE(table.find("C12A7328-F81F-11D2-BA4B-00A0C93EC93B"), std::string::npos) << table;
  auto verify = RunProcess({.argv = {"sfdisk", "--verify", image}});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto boot = Tool({"mdir", "-i", image + "@@1M", "::/EFI/BOOT"});
  EXPECT_NE(boot.find("BOOTX64  EFI"), std::string::npos) << boot;
  auto efi = dir_->path() / "BOOTX64.EFI";
  Tool({"mcopy", "-i", image + "@@1M", "::/EFI/BOOT/BOOTX64.EFI", efi.string()});
  EXPECT_EQ(ReadFile(efi).substr(0, 2), "MZ");  // a PE executable
}

TEST_F(ImageTest, IsoIsHybridWithBiosAndEfiBoot) {
  auto image = (out_ / "iso/live.iso").string();
  auto toc = RunChecked({.argv = {"xorriso", "-indev", image, "-report_el_torito", "plain", "-find", "/live"}});
  auto text = toc.out + toc.err;
  EXPECT_NE(text.find("El Torito boot img :   1  BIOS"), std::string::npos) << text;
  EXPECT_NE(text.find("El Torito boot img :   2  UEFI"), std::string::npos) << text;
  EXPECT_NE(text.find("/live/root.squashfs"), std::string::npos) << text;
  EXPECT_NE(text.find("Volume id    : 'LIVECHECK'"), std::string::npos) << text;
  auto table = Tool({"sfdisk", "-d", image});  // isohybrid: a partition table for USB sticks
  EXPECT_NE(table.find("label:"), std::string::npos) << table;
}

TEST_F(ImageTest, RebuildWithNothingChangedReusesEverything) {
  auto result = Livecheck({"build", "--config", config_.string(), "--out", out_.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("built 0 variant(s), reused 4 unchanged"), std::string::npos) << result.out;
}

TEST_F(ImageTest, SameInputsGiveByteIdenticalOutputs) {
  auto second = dir_->path() / "second";
  auto result = Livecheck({"build", "--config", config_.string(), "--out", second.string(), "-j", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* variant : {"direct", "bios", "uefi", "iso"}) {
    auto first_manifest = Manifest(variant);
    for (const auto& a : first_manifest.artifacts)
      EXPECT_EQ(Sha256File(second / variant / a.file), a.sha256) << variant << "/" << a.file;
    EXPECT_EQ(ReadFile(second / variant / "manifest.json"), ReadFile(out_ / variant / "manifest.json"))
        << variant;
  }
}

}  // namespace
}  // namespace livecheck
