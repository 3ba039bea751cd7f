#include "builder/kernel_entry.h"

#include <archive.h>

#include <cerrno>
#include <fstream>
#include <functional>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/sha256.h"

namespace livecheck {

namespace {

// Offsets in the bzImage setup header (Documentation/arch/x86/boot.rst).
constexpr size_t kSetupSects = 0x1f1;
constexpr size_t kHeaderMagic = 0x202;
constexpr size_t kProtocolVersion = 0x206;
constexpr size_t kPayloadOffset = 0x248;
constexpr size_t kPayloadLength = 0x24c;
constexpr uint16_t kPayloadFieldsSince = 0x208;

// Xen's ELF note type for the 32-bit PVH entry point, which QEMU looks for.
constexpr uint32_t kXenElfNotePhys32Entry = 18;
constexpr uint32_t kPtNote = 4;

uint64_t LittleEndian(std::string_view bytes, size_t at, size_t width) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; ++i) value |= uint64_t(uint8_t(bytes[at + i])) << (8 * i);
  return value;
}

std::string CompressionOf(std::string_view p) {
  auto starts = [&](std::string_view magic) { return p.substr(0, magic.size()) == magic; };
  if (starts(std::string_view("\xfd" "7zXZ\0", 6))) return "xz";
  if (starts("\x1f\x8b")) return "gzip";
  if (starts("\x28\xb5\x2f\xfd")) return "zstd";
  if (starts(std::string_view("\x5d\x00\x00", 3))) return "lzma";
  if (starts("BZh")) return "bzip2";
  if (starts("\x02\x21\x4c\x18")) return "lz4";
  return "unknown";
}

struct ReadDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

bool NoteSegmentHasPvhEntry(std::string_view notes) {
  size_t at = 0;
  auto align4 = [](uint64_t n) { return (n + 3) & ~uint64_t(3); };
  while (at + 12 <= notes.size()) {
    uint64_t name_size = LittleEndian(notes, at, 4);
    uint64_t desc_size = LittleEndian(notes, at + 4, 4);
    uint64_t type = LittleEndian(notes, at + 8, 4);
    uint64_t name_at = at + 12;
    if (align4(name_size) > notes.size() - name_at) return false;
    uint64_t desc_at = name_at + align4(name_size);
    if (align4(desc_size) > notes.size() - desc_at) return false;
    if (type == kXenElfNotePhys32Entry && name_size == 4 && notes.substr(name_at, 4) == std::string_view("Xen\0", 4))
      return true;
    at = desc_at + align4(desc_size);
  }
  return false;
}

}  // namespace

BzImagePayload FindBzImagePayload(std::string_view image) {
  if (image.size() < kPayloadLength + 4 || image.substr(kHeaderMagic, 4) != "HdrS")
    throw Error("not a bzImage (no 'HdrS' setup header)");
  if (LittleEndian(image, kProtocolVersion, 2) < kPayloadFieldsSince)
    throw Error("bzImage boot protocol older than 2.08 (no payload fields)");
  uint64_t setup_sects = uint8_t(image[kSetupSects]);
  if (setup_sects == 0) setup_sects = 4;  // the boot protocol's rule for old images
  BzImagePayload payload;
  payload.offset = (setup_sects + 1) * 512 + LittleEndian(image, kPayloadOffset, 4);
  payload.length = LittleEndian(image, kPayloadLength, 4);
  if (payload.offset > image.size() || payload.length > image.size() - payload.offset || payload.length < 8)
    throw Error(fmt::format("bzImage payload ({} bytes at {}) lies outside the file ({} bytes)", payload.length,
                            payload.offset, image.size()));
  payload.compression = CompressionOf(image.substr(payload.offset, 8));
  return payload;
}

namespace {

// Decodes the payload chunk by chunk into `sink`; returns the decoded size.
uint64_t DecodePayload(std::string_view image, const BzImagePayload& payload,
                       const std::function<void(const char*, size_t)>& sink) {
  // The kernel's build appends the uncompressed size (32-bit little endian)
  // after the compressed stream; decoders reject it as trailing garbage.
  auto compressed = image.substr(payload.offset, payload.length - 4);
  uint64_t expected = LittleEndian(image, payload.offset + payload.length - 4, 4);
  std::unique_ptr<archive, ReadDeleter> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  auto failed = [&](const char* fallback) {
    const char* why = archive_error_string(a.get());
    return Error(fmt::format("cannot decode the {} kernel payload: {}", payload.compression, why ? why : fallback));
  };
  if (archive_read_open_memory(a.get(), compressed.data(), compressed.size()) != ARCHIVE_OK)
    throw failed("unknown format");
  archive_entry* entry = nullptr;
  if (archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) throw failed("unknown format");
  uint64_t decoded = 0;
  std::vector<char> buffer(1 << 16);
  // The size field bounds what a well-formed payload holds.
  while (decoded <= expected) {
    la_ssize_t n = archive_read_data(a.get(), buffer.data(), buffer.size());
    if (n < 0) throw failed("read error");
    if (n == 0) break;
    sink(buffer.data(), size_t(n));
    decoded += uint64_t(n);
  }
  if (decoded != expected)
    throw Error(fmt::format("the {} kernel payload decoded to {}{} bytes, its size field says {}",
                            payload.compression, decoded > expected ? "more than " : "", decoded, expected));
  return decoded;
}

// The PVH note search over any byte source: `read(offset, size)` returns
// at most `size` bytes from `offset` (fewer at the end).
bool PvhNoteIn(uint64_t elf_size, const std::function<std::string(uint64_t, uint64_t)>& read) {
  constexpr size_t kElf64HeaderSize = 64;
  constexpr size_t kPhdrSize = 56;
  // A note segment larger than this is no kernel's.
  constexpr uint64_t kMaxNotes = 1 << 20;
  auto header = read(0, kElf64HeaderSize);
  if (header.size() < kElf64HeaderSize || header.substr(0, 4) != "\x7f" "ELF") return false;
  if (header[4] != 2 || header[5] != 1) return false;  // ELFCLASS64, little endian
  uint64_t phoff = LittleEndian(header, 0x20, 8);
  uint64_t phentsize = LittleEndian(header, 0x36, 2);
  uint64_t phnum = LittleEndian(header, 0x38, 2);
  if (phentsize < kPhdrSize || phoff > elf_size || phnum > (elf_size - phoff) / phentsize) return false;
  if (phnum * phentsize > kMaxNotes) return false;
  auto table = read(phoff, phnum * phentsize);
  if (table.size() != phnum * phentsize) return false;
  for (uint64_t i = 0; i < phnum; ++i) {
    size_t at = i * phentsize;
    if (LittleEndian(table, at, 4) != kPtNote) continue;
    uint64_t offset = LittleEndian(table, at + 8, 8);
    uint64_t size = LittleEndian(table, at + 32, 8);
    if (offset > elf_size || size > elf_size - offset || size > kMaxNotes) continue;
    if (NoteSegmentHasPvhEntry(read(offset, size))) return true;
  }
  return false;
}

}  // namespace

std::string DecompressBzImagePayload(std::string_view image, const BzImagePayload& payload) {
  std::string out;
  DecodePayload(image, payload, [&](const char* data, size_t n) {
    out.append(data, n);
  });
  return out;
}

bool HasPvhEntryNote(std::string_view elf) {
  return PvhNoteIn(elf.size(), [&](uint64_t offset, uint64_t size) {
    return offset >= elf.size() ? std::string() : std::string(elf.substr(offset, size));
  });
}

PvhExtraction ExtractPvhKernel(const fs::path& bzimage, const fs::path& out) {
  std::string image = ReadFile(bzimage);
  // Decoded straight to a file: the kernel is ~60 MB, more than livecheck's
  // whole working set otherwise.
  auto partial = out.parent_path() / (".partial-" + out.filename().string());
  std::error_code ec;
  try {
    auto payload = FindBzImagePayload(image);
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    if (!file) throw Error(DescribeIoError("create", partial, errno));
    uint64_t size = DecodePayload(image, payload, [&](const char* data, size_t n) { file.write(data, n); });
    file.close();
    if (!file) throw Error(DescribeIoError("write", partial, errno));
    bool pvh = PvhNoteIn(size, [&](uint64_t offset, uint64_t n) { return ReadFileFrom(partial, offset, n); });
    if (!pvh) {
      fs::remove(partial, ec);
      return {.extracted = false, .reason = "the kernel has no PVH entry note (CONFIG_PVH)"};
    }
    fs::rename(partial, out, ec);
    if (ec) throw Error(DescribeIoError("rename into place", out, ec.value()));
    return {.extracted = true, .reason = ""};
  } catch (const Error& e) {
    fs::remove(partial, ec);
    return {.extracted = false, .reason = e.what()};
  }
}

CachedPvhKernel PvhKernelFor(const fs::path& bzimage, const fs::path& cache_dir) {
  auto digest = Sha256File(bzimage);
  auto elf = cache_dir / fmt::format("vmlinux-{}.elf", digest.substr(0, 32));
  auto refused = cache_dir / fmt::format("vmlinux-{}.no-pvh", digest.substr(0, 32));
  std::error_code ec;
  if (fs::exists(elf, ec)) return {elf, ""};
  if (fs::exists(refused, ec)) return {{}, ReadFile(refused)};
  fs::create_directories(cache_dir, ec);
  auto outcome = ExtractPvhKernel(bzimage, elf);
  if (outcome.extracted) return {elf, ""};
  WriteFileAtomic(refused, outcome.reason);
  return {{}, outcome.reason};
}

}  // namespace livecheck
