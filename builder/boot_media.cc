#include "builder/boot_media.h"

#include <fcntl.h>
#include <unistd.h>


#include <fmt/format.h>

#include "builder/bootloader_config.h"
#include "builder/fat_disk_image.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"

namespace livecheck {
namespace {

constexpr const char* kSyslinuxMbr = "/usr/lib/syslinux/mbr/mbr.bin";
constexpr const char* kIsolinuxBin = "/usr/lib/ISOLINUX/isolinux.bin";
constexpr const char* kIsohybridMbr = "/usr/lib/ISOLINUX/isohdpfx.bin";
constexpr const char* kLdlinuxC32 = "/usr/lib/syslinux/modules/bios/ldlinux.c32";

uint32_t SeedWord(const std::string& seed, size_t offset) {
  return static_cast<uint32_t>(std::stoul(seed.substr(offset, 8), nullptr, 16));
}

void RequireFile(const char* path, const char* package) {
  if (!fs::exists(path)) throw Error(fmt::format("{} is missing (apt-get install {})", path, package));
}

std::vector<FatFile> LiveFiles(const MediaInputs& in) {
  return {{"live/vmlinuz", in.kernel, ""}, {"live/initrd.img", in.initrd, ""}, {"live/root.squashfs", in.squashfs, ""}};
}

// Writes syslinux's MBR boot code into the first 440 bytes, keeping the partition table.
void InstallMbrCode(const fs::path& image) {
  std::string code = ReadFile(kSyslinuxMbr);
  if (code.size() > 440) code.resize(440);
  int fd = open(image.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw Error(DescribeIoError("open", image, errno));
  ssize_t n = pwrite(fd, code.data(), code.size(), 0);
  close(fd);
  if (n != static_cast<ssize_t>(code.size())) throw Error(DescribeIoError("write the MBR of", image, errno));
}

}  // namespace

std::string GuidFromSeed(const std::string& seed, size_t offset) {
  auto h = seed.substr(offset, 32);
  return fmt::format("{}-{}-4{}-8{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(13, 3), h.substr(17, 3),
                     h.substr(20, 12));
}

void BuildDirectStick(const MediaInputs& in, const fs::path& image) {
  FatDiskSpec spec{.table = FatDiskSpec::Table::kMbr,
                   .label = in.label,
                   .volume_id = in.identity.fat_volume_id,
                   .disk_id = fmt::format("0x{:08x}", SeedWord(in.seed, 8)),
                   .files = {{"live/root.squashfs", in.squashfs, ""}},
                   .epoch = in.epoch};
  BuildFatDiskImage(spec, image);
}

void BuildBiosStick(const MediaInputs& in, const fs::path& image, const fs::path& scratch) {
  RequireFile(kSyslinuxMbr, "syslinux-common");
  auto files = LiveFiles(in);
  files.push_back({"syslinux/syslinux.cfg", "", SyslinuxConfig(in.cmdline)});
  FatDiskSpec spec{.table = FatDiskSpec::Table::kMbr,
                   .bootable = true,
                   .label = in.label,
                   .volume_id = in.identity.fat_volume_id,
                   .disk_id = fmt::format("0x{:08x}", SeedWord(in.seed, 8)),
                   .files = files,
                   .epoch = in.epoch};
  BuildFatDiskImage(spec, image);
  (void)scratch;
  try {
    // syslinux --offset works on an image file through mtools: no loop device, no root.
    RunChecked({.argv = {"syslinux", "--install", "--offset", std::to_string(kPartitionOffset), "--directory",
                         "/syslinux", image.string()},
                .extra_env = EpochEnvironment(in.epoch)});
    InstallMbrCode(image);
  } catch (...) {
    fs::remove(image);
    throw;
  }
}

void BuildGrubEfi(const std::string& config, const fs::path& out, const fs::path& scratch) {
  if (!fs::exists("/usr/lib/grub/x86_64-efi/linux.mod"))
    throw Error("GRUB EFI modules are missing (apt-get install grub-efi-amd64-bin)");
  auto config_file = scratch / "grub-embedded.cfg";
  WriteFileAtomic(config_file, config);
  RunChecked({.argv = {"grub-mkimage", "-O", "x86_64-efi", "-o", out.string(), "-p", "/EFI/BOOT", "-c",
                       config_file.string(), "part_gpt", "part_msdos", "fat", "iso9660", "search", "search_label",
                       "linux", "normal", "echo", "serial", "terminal", "test", "configfile", "efi_gop"}});
}

void BuildUefiStick(const MediaInputs& in, const fs::path& image, const fs::path& scratch) {
  auto efi = scratch / "BOOTX64.EFI";
  BuildGrubEfi(GrubEmbeddedConfig(in.label, in.cmdline), efi, scratch);
  auto files = LiveFiles(in);
  files.push_back({"EFI/BOOT/BOOTX64.EFI", efi, ""});
  FatDiskSpec spec{.table = FatDiskSpec::Table::kGpt,
                   .efi_system = true,
                   .label = in.label,
                   .volume_id = in.identity.fat_volume_id,
                   .disk_id = GuidFromSeed(in.seed, 0),
                   .partition_uuid = GuidFromSeed(in.seed, 8),
                   .files = files,
                   .epoch = in.epoch};
  BuildFatDiskImage(spec, image);
}

void BuildHybridIso(const MediaInputs& in, const fs::path& image, const fs::path& scratch) {
  RequireFile(kIsolinuxBin, "isolinux");
  RequireFile(kIsohybridMbr, "isolinux");
  RequireFile(kLdlinuxC32, "syslinux-common");
  auto tree = scratch / "iso";
  fs::create_directories(tree / "isolinux");
  fs::create_directories(tree / "live");
  ReplaceWithCopy(kIsolinuxBin, tree / "isolinux/isolinux.bin");
  ReplaceWithCopy(kLdlinuxC32, tree / "isolinux/ldlinux.c32");
  WriteFileAtomic(tree / "isolinux/isolinux.cfg", SyslinuxConfig(in.cmdline));
  // Copies, not links: the tree's mtimes are clamped below, and links would
  // reach into the shared stage cache.
  ReplaceWithCopy(in.kernel, tree / "live/vmlinuz");
  ReplaceWithCopy(in.initrd, tree / "live/initrd.img");
  ReplaceWithCopy(in.squashfs, tree / "live/root.squashfs");
  auto efi = scratch / "BOOTX64.EFI";
  BuildGrubEfi(GrubEmbeddedConfig(in.label, in.cmdline), efi, scratch);
  BuildFatFilesystemImage({{"EFI/BOOT/BOOTX64.EFI", efi, ""}}, "EFIBOOT", SeedWord(in.seed, 16), in.epoch,
                          tree / "efiboot.img");
  ClampTreeMtimes(tree, in.epoch);

  fs::path temp = image;
  temp += ".tmp";
  try {
    RunChecked({.argv = {"xorriso", "-as", "mkisofs", "-quiet", "-o", temp.string(), "-V", in.label, "-R",
                         "--modification-date=" + in.identity.iso_date, "-isohybrid-mbr", kIsohybridMbr, "-b",
                         "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                         "-boot-info-table", "-eltorito-alt-boot", "-e", "efiboot.img", "-no-emul-boot",
                         "-isohybrid-gpt-basdat", tree.string()},
                .extra_env = EpochEnvironment(in.epoch)});
  } catch (...) {
    fs::remove(temp);
    throw;
  }
  fs::rename(temp, image);
}

}  // namespace livecheck
