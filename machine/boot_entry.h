#pragma once
// The default boot entry of a live medium's own bootloader configuration
// (isolinux.cfg, syslinux.cfg, grub.cfg): which kernel, which initrds and
// which command line the medium boots when nobody touches the keyboard.
// Pure parsing; reading the files off the medium is medium_files.h.
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace livecheck {

struct BootEntry {
  std::string kernel;                ///< absolute path on the medium ("/live/vmlinuz")
  std::vector<std::string> initrds;  ///< absolute paths on the medium, in load order
  std::string append;                ///< the command line, without initrd= and BOOT_IMAGE=
  std::string source;                ///< where it came from, for reports ("/isolinux/live.cfg: label live")
};

/// Returns the text of a file on the medium, or nullopt when it is absent.
using ReadMediumFile = std::function<std::optional<std::string>(const std::string& path)>;

/// The default entry of a syslinux/isolinux configuration at `path`
/// (following `include` and `default`/`ontimeout`; the first label when
/// none is named). Paths relative to the configuration's directory are made
/// absolute. nullopt with `error` set when there is no bootable entry.
std::optional<BootEntry> ParseSyslinuxConfig(const std::string& path, const ReadMediumFile& read, std::string& error);

/// The default entry of a grub.cfg (`set default=N` or its title, else the
/// first menuentry), from its `linux`/`linuxefi` and `initrd` lines.
std::optional<BootEntry> ParseGrubConfig(const std::string& path, const std::string& text, std::string& error);

}  // namespace livecheck
