#include "machine/decoy_stick.h"

#include <cerrno>
#include <set>

#include <fmt/format.h>

#include "builder/medium_identity.h"
#include "common/byte_reader.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"

namespace livecheck {
namespace {

constexpr uint64_t kSector = 512;
constexpr uint32_t kMaxGptEntries = 128;
// ISO 9660 volume dates: 16 ASCII digits, then the time-zone byte.
constexpr uint64_t kIsoCreationDate = 0x8000 + 813;
constexpr const char* kDecoyDate = "1980010100000000";
constexpr const char* kOtherDecoyDate = "1980010100000100";

std::string Inverted(std::string bytes) {
  for (auto& c : bytes) c = static_cast<char>(~static_cast<unsigned char>(c));
  return bytes;
}

// Where partitions start (bytes), from an MBR or the GPT behind a protective one.
std::vector<uint64_t> PartitionStarts(const ByteReader& read, bool& has_mbr_table) {
  std::vector<uint64_t> starts;
  auto mbr = read(0, kSector);
  has_mbr_table = false;
  if (mbr.size() < kSector || mbr.substr(510, 2) != "\x55\xaa") return starts;
  bool gpt = false;
  for (int i = 0; i < 4; ++i) {
    size_t entry = 0x1be + 16 * i;
    auto type = static_cast<uint8_t>(mbr[entry + 4]);
    if (type == 0xee) gpt = true;
    else if (type != 0) {
      has_mbr_table = true;
      starts.push_back(LittleEndian(mbr, entry + 8, 4) * kSector);
    }
  }
  if (!gpt) return starts;
  auto header = read(kSector, kSector);
  if (header.substr(0, 8) != "EFI PART") return starts;
  uint64_t entries_at = LittleEndian(header, 72, 8) * kSector;
  auto count = static_cast<uint32_t>(LittleEndian(header, 80, 4));
  auto size = static_cast<uint32_t>(LittleEndian(header, 84, 4));
  if (size < 128 || size > 4096) return starts;
  for (uint32_t i = 0; i < std::min(count, kMaxGptEntries); ++i) {
    auto entry = read(entries_at + uint64_t{i} * size, size);
    if (entry.size() < 48 || entry.substr(0, 16) == std::string(16, '\0')) continue;
    starts.push_back(LittleEndian(entry, 32, 8) * kSector);
  }
  return starts;
}

void AddFileSystemPatches(const ByteReader& read, uint64_t start, const std::string& where,
                          std::vector<DecoyPatch>& patches) {
  auto boot = read(start, kSector);
  if (boot.size() == kSector && boot.substr(510, 2) == "\x55\xaa") {
    if (boot.substr(0x52, 5) == "FAT32")
      patches.push_back({start + kFat32VolumeIdOffset, Inverted(boot.substr(kFat32VolumeIdOffset, 4)),
                         where + "FAT32 volume ID"});
    else if (boot.substr(0x36, 3) == "FAT")
      patches.push_back({start + kFat16VolumeIdOffset, Inverted(boot.substr(kFat16VolumeIdOffset, 4)),
                         where + "FAT volume ID"});
  }
  auto pvd = read(start + 0x8000, 2048);
  if (pvd.size() == 2048 && pvd[0] == 1 && pvd.substr(1, 5) == "CD001") {
    for (auto [offset, name] : {std::pair{kIsoCreationDate, "creation"}, std::pair{kIsoModificationDateOffset, "modification"}}) {
      std::string now = pvd.substr(offset - 0x8000, 16);
      patches.push_back({start + offset, now == kDecoyDate ? kOtherDecoyDate : kDecoyDate,
                         where + fmt::format("ISO 9660 {} date", name)});
    }
  }
}

}  // namespace

std::vector<DecoyPatch> DecoyPatches(const ByteReader& read) {
  std::vector<DecoyPatch> patches;
  bool has_mbr_table = false;
  auto starts = PartitionStarts(read, has_mbr_table);
  // The MBR's disk signature names partitions too (PARTUUID=SSSSSSSS-01).
  if (has_mbr_table) patches.push_back({0x1b8, Inverted(read(0x1b8, 4)), "MBR disk signature"});
  AddFileSystemPatches(read, 0, "", patches);
  std::set<uint64_t> seen = {0};
  for (size_t i = 0; i < starts.size(); ++i)
    if (seen.insert(starts[i]).second) AddFileSystemPatches(read, starts[i], fmt::format("p{} ", i + 1), patches);
  return patches;
}

std::vector<DecoyPatch> MakeDecoyStick(const fs::path& medium, const fs::path& overlay) {
  if (!CanOpenForReading(medium.string())) throw Error(DescribeIoError("open", medium, errno));
  auto patches = DecoyPatches(FileByteReader(medium.string()));
  bool file_system = false;
  for (const auto& p : patches) file_system = file_system || p.what != "MBR disk signature";
  if (!file_system)
    throw Error(fmt::format("{}: no FAT or ISO 9660 file system found to make a decoy stick of", medium.string()));
  RunChecked({.argv = {"qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", fs::absolute(medium).string(),
                       overlay.string()}});
  std::vector<std::string> argv = {"qemu-io", "-f", "qcow2"};
  for (size_t i = 0; i < patches.size(); ++i) {
    auto data = overlay.parent_path() / fmt::format("{}.patch{}", overlay.filename().string(), i);
    WriteFileAtomic(data, patches[i].bytes);
    argv.insert(argv.end(), {"-c", fmt::format("write -q -s {} {} {}", data.string(), patches[i].offset,
                                                patches[i].bytes.size())});
  }
  argv.push_back(overlay.string());
  RunChecked({.argv = argv});
  for (size_t i = 0; i < patches.size(); ++i)
    fs::remove(overlay.parent_path() / fmt::format("{}.patch{}", overlay.filename().string(), i));
  return patches;
}

}  // namespace livecheck
