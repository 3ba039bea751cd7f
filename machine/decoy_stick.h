#pragma once
// A decoy stick: a second USB stick carrying the same label and the same
// files as the live medium, but other file-system identities (FAT volume
// IDs, ISO volume dates, the MBR disk signature). A live initramfs that
// picks its medium by label alone may boot from it, which is how a medium
// chosen by label can be hijacked; one that checks the identity does not.
// The decoy is a qcow2 overlay over the user's image, so the image itself is
// never written and the decoy costs no copy.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/byte_reader.h"

namespace livecheck {

namespace fs = std::filesystem;

/// One change that turns the medium's bytes into the decoy's.
struct DecoyPatch {
  uint64_t offset = 0;
  std::string bytes;
  std::string what;  ///< "p1 FAT32 volume ID", "ISO 9660 modification date"
  bool operator==(const DecoyPatch&) const = default;
};

/// The patches for a medium: every FAT (12/16/32) and ISO 9660 file system
/// at the start of the disk or of an MBR or GPT partition gets another
/// identity; the label and every file stay. Empty when there is none.
std::vector<DecoyPatch> DecoyPatches(const ByteReader& read);

/// Creates `overlay` (qcow2, backed read-only by the raw `medium`) and writes
/// the patches into it with qemu-io. Throws when the medium holds no file
/// system it can change.
std::vector<DecoyPatch> MakeDecoyStick(const fs::path& medium, const fs::path& overlay);

/// The drive id and USB serial the decoy is attached with.
inline constexpr const char* kDecoyDrive = "decoy";
inline constexpr const char* kDecoySerial = "LIVECHECK-DECOY";

}  // namespace livecheck
