#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include "builder/medium_identity.h"

namespace livecheck {

namespace fs = std::filesystem;

/// What every boot medium carries. Identifiers (volume serials, disk ids,
/// GUIDs) come from `seed` so equal inputs give byte-identical media.
struct MediaInputs {
  fs::path kernel;
  fs::path initrd;
  fs::path squashfs;
  std::string label;
  std::string cmdline;
  int64_t epoch = 0;
  std::string seed;  ///< hex string, at least 40 characters
  MediumIdentity identity;  ///< the FAT volume ID and ISO date the initramfs looks for
};

/// direct: a stick (MBR, one FAT partition) holding only /live/root.squashfs;
/// the kernel and initrd are given to QEMU with -kernel/-initrd.
void BuildDirectStick(const MediaInputs& in, const fs::path& image);

/// usb-bios: MBR stick, active FAT partition with syslinux, kernel, initrd and squashfs.
void BuildBiosStick(const MediaInputs& in, const fs::path& image, const fs::path& scratch);

/// usb-uefi: GPT stick whose EFI system partition holds a GRUB EFI loader
/// at EFI/BOOT/BOOTX64.EFI, the kernel, the initrd and the squashfs.
void BuildUefiStick(const MediaInputs& in, const fs::path& image, const fs::path& scratch);

/// iso: a hybrid ISO (isolinux for BIOS, an EFI El Torito image with GRUB)
/// that boots as a CD and when written to a USB stick.
void BuildHybridIso(const MediaInputs& in, const fs::path& image, const fs::path& scratch);

/// Writes a GRUB EFI executable with `config` embedded (grub-mkimage: unlike
/// grub-mkstandalone it packs no memdisk tarball with build-time mtimes).
void BuildGrubEfi(const std::string& config, const fs::path& out, const fs::path& scratch);

/// "8-4-4-4-12" GUID text from 32 hex characters of `seed` starting at `offset`.
std::string GuidFromSeed(const std::string& seed, size_t offset);

}  // namespace livecheck
