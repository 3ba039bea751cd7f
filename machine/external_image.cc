#include "machine/external_image.h"

#include <regex>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/guest_pattern.h"

namespace livecheck {

ImageKind DetectImageKind(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error(fmt::format("--image {}: no such file", path.string()));
  std::string head = ReadFileFrom(path, 0, 512);
  std::string volume = ReadFileFrom(path, 0x8001, 5);
  if (volume == "CD001") return ImageKind::kIso;
  if (head.size() == 512 && static_cast<unsigned char>(head[510]) == 0x55 && static_cast<unsigned char>(head[511]) == 0xaa)
    return ImageKind::kDiskImage;
  throw Error(fmt::format("--image {}: not a disk image or ISO (no boot sector signature, no ISO 9660 volume "
                          "descriptor)",
                          path.string()));
}

void ValidateExternalImage(const ExternalImage& image) {
  auto kind = DetectImageKind(image.image);
  const auto& b = image.boot;
  if (b != "usb-bios" && b != "usb-uefi" && b != "cdrom" && b != "iso-usb")
    throw Error(fmt::format("--boot {}: expected usb-bios, usb-uefi, cdrom, iso-usb or extracted", b));
  if ((b == "cdrom" || b == "iso-usb") && kind != ImageKind::kIso)
    throw Error(fmt::format("--boot {}: {} is not an ISO image", b, image.image.string()));
  if (image.kernel.empty() != image.initrd.empty()) throw Error("--kernel and --initrd go together");
  std::error_code ec;
  for (const auto& [flag, file] : {std::pair{"--kernel", image.kernel}, std::pair{"--initrd", image.initrd}})
    if (!file.empty() && !fs::is_regular_file(file, ec)) throw Error(fmt::format("{} {}: no such file", flag, file.string()));
  if (!image.append.empty() && image.kernel.empty()) throw Error("--append needs --kernel and --initrd");
  if (image.guest != "agent" && image.guest != "shell" && image.guest != "none")
    throw Error(fmt::format("--guest {}: expected agent, shell or none", image.guest));
  if (image.guest == "agent" && image.kernel.empty())
    throw Error("--guest agent needs --kernel and --initrd: the agent is appended to the initrd the kernel loads");
  for (const auto& [flag, pattern] :
       {std::pair{"--ready-pattern", image.ready_pattern}, std::pair{"--shell-prompt", image.shell_prompt}}) {
    try {
      GuestPattern compiled(pattern);
    } catch (const std::regex_error& e) {
      throw Error(fmt::format("{} '{}': not a regular expression: {}", flag, pattern,
                              e.code() == std::regex_constants::error_complexity
                                  ? "longer than 256 characters or repeats too many times"
                                  : e.what()));
    }
  }
}

std::string ExternalImageName(const ExternalImage& image) {
  std::string name = image.image.filename().string();
  for (char& c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
      c = '_';
  return name.empty() ? "image" : name;
}

}  // namespace livecheck
