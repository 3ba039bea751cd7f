// A live medium livecheck did not build (`livecheck run --image FILE`): how
// to boot it and how to talk to it without an agent.
#pragma once
#include <filesystem>
#include <string>

namespace livecheck {

namespace fs = std::filesystem;

struct ExternalImage {
  fs::path image;          ///< a USB disk image or a (hybrid) ISO; only ever read
  std::string boot;        ///< usb-bios, usb-uefi, cdrom or iso-usb
  fs::path kernel, initrd; ///< optional: boot these directly, with `image` as the medium
  std::string append;      ///< kernel command line with --kernel
  /// With --kernel: the same kernel uncompressed, booted through PVH
  /// (builder/kernel_entry.h); empty: boot `kernel` as given.
  fs::path pvh_kernel;
  std::string ready_pattern = "[#$] $";  ///< console regex (ECMAScript) that means "booted"
  std::string shell_prompt = "[#$] $";   ///< console regex of a root shell's prompt
  int memory_mb = 2048;    ///< toram copies the whole root into RAM
  /// How checks reach inside: "agent" (livecheck's agent appended to the
  /// initrd, started as rdinit=; needs kernel and initrd), "shell" (a root
  /// shell on the console) or "none" (nothing injected, no shell: host-side
  /// checks only).
  std::string guest = "shell";
};

enum class ImageKind { kIso, kDiskImage };

/// What `path` holds, from its bytes: an ISO 9660 volume descriptor at 32 KiB,
/// or a boot sector signature (MBR or protective MBR of a GPT). Throws Error
/// (exit 2) naming the file when it is neither, missing or unreadable.
ImageKind DetectImageKind(const fs::path& path);

/// Checks the whole description before anything runs: the files exist and
/// are what --boot needs, the patterns compile. Throws Error naming the flag.
void ValidateExternalImage(const ExternalImage& image);

/// A name for reports and log files made of the image's file name
/// ([A-Za-z0-9._-] only).
std::string ExternalImageName(const ExternalImage& image);

}  // namespace livecheck
