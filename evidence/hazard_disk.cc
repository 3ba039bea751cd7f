#include "evidence/hazard_disk.h"

#include <map>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "evidence/internal_disk.h"
#include "evidence/kernel_made_hazards.h"

namespace livecheck {
namespace {

using L = InternalDiskLayout;
constexpr uint64_t kMiB = 1ull << 20, kSectorBytes = 512;

// A journal transaction that rewrites /known-file.txt's block, committed and
// never checkpointed: the state a power cut after the commit leaves.
void AddDirtyJournal(const fs::path& disk, const fs::path& work) {
  auto ext4 = work / "ext4.img";
  WriteFileAtomic(ext4, ReadFileFrom(disk, L::kExt4Offset, L::kExt4Bytes));
  auto bmap = RunChecked({.argv = {"debugfs", "-R", "bmap /known-file.txt 0", ext4.string()}});
  std::string block = bmap.out.substr(0, bmap.out.find_first_not_of("0123456789"));
  if (block.empty() || block == "0")
    throw Error(fmt::format("debugfs found no block of /known-file.txt in {}: {}", ext4.string(), bmap.err));
  // One whole file-system block (1 KiB for a file system this small, as
  // mkfs.ext4 chooses: read, not assumed).
  auto before = RunChecked({.argv = {"dumpe2fs", "-h", ext4.string()}}).out;
  auto at = before.find("Block size:");
  size_t block_size = at == std::string::npos ? 0 : std::stoul(before.substr(at + 11));
  if (block_size == 0) throw Error(fmt::format("dumpe2fs gave no block size for {}", ext4.string()));
  std::string content = kReplayedKnownFile;
  content.resize(block_size, '\0');
  WriteFileAtomic(work / "block.bin", content);
  WriteFileAtomic(work / "journal.cmds",
                  fmt::format("journal_open\njournal_write -b {} {}\njournal_close\n", block, (work / "block.bin").string()));
  RunChecked({.argv = {"debugfs", "-w", "-f", (work / "journal.cmds").string(), ext4.string()}});
  // debugfs exits 0 whatever its commands did: the file system must say so.
  auto header = RunChecked({.argv = {"dumpe2fs", "-h", ext4.string()}});
  if (header.out.find("needs_recovery") == std::string::npos)
    throw Error(fmt::format("debugfs left no transaction to replay in {}", ext4.string()));
  CopyIntoImage(ext4, disk, L::kExt4Offset);
}

// The state byte of the boot sector (FAT12/16 at 0x25, FAT32 at 0x41):
// bit 0 is what Linux sets while mounted read-write and fsck.fat reports.
void AddFatDirtyBit(const fs::path& disk) {
  auto boot = ReadFileFrom(disk, L::kFatOffset, kSectorBytes);
  bool fat32 = boot[22] == 0 && boot[23] == 0;
  size_t state = fat32 ? 0x41 : 0x25;
  WriteIntoImage(disk, L::kFatOffset + state, std::string(1, static_cast<char>(boot[state] | 0x01)));
}

// What the kernel's hibernation leaves in the swap header's last bytes
// (struct swsusp_header): the image's first sector, the original signature
// kept in orig_sig, and S1SUSPEND in the signature's place.
void AddHibernationSignature(const fs::path& disk) {
  std::string tail(40, '\0');
  tail[8] = 0x08;  // image: sector 8, the swap area's second page
  tail.replace(20, 10, std::string("SWAPSPACE2", 10));
  tail.replace(30, 10, std::string("S1SUSPEND\0", 10));
  WriteIntoImage(disk, L::kSwapOffset + 4096 - 40, tail);
}

void AddLuks(const fs::path& disk, const fs::path& work) {
  auto luks = work / "luks.img";
  WriteFileAtomic(luks, "");
  fs::resize_file(luks, L::kExt4Bytes);
  RunChecked({.argv = {"cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--pbkdf", "pbkdf2",
                       "--pbkdf-force-iterations", "1000", "--uuid", "6c697665-6368-6563-6b00-000000000003",
                       "--label", "INTERNAL-LUKS", "--key-file", "-", luks.string()},
              .stdin_data = "the suspect's passphrase"});
  CopyIntoImage(luks, disk, L::kExt4Offset);
}

// What Windows' fast startup leaves: hiberfil.sys starting with "HIBR"
// (ntfs-3g refuses to mount such a volume; a careless stack forces it).
// mkntfs and ntfscp work on a file; the serial number (blkid's UUID) is set
// to a fixed one in the boot sector and its backup in the last sector.
void AddNtfsHibernated(const fs::path& disk, const fs::path& work) {
  auto ntfs = work / "ntfs.img";
  WriteFileAtomic(ntfs, "");
  fs::resize_file(ntfs, L::kExt4Bytes);
  RunChecked({.argv = {"mkntfs", "-F", "-Q", "-q", "-L", "INTERNAL", "-s", "512", "-p",
                       std::to_string(L::kExt4Offset / kSectorBytes), "-H", "255", "-S", "63", ntfs.string()}});
  std::string hiberfil = "HIBR";
  hiberfil.resize(64 * 1024, '\0');
  WriteFileAtomic(work / "known-file.txt", kKnownFileContent);
  WriteFileAtomic(work / "hiberfil.sys", hiberfil);
  // The known file first: once hiberfil.sys is there, ntfs-3g's tools refuse the volume.
  for (const char* name : {"known-file.txt", "hiberfil.sys"})
    RunChecked({.argv = {"ntfscp", "-q", ntfs.string(), (work / name).string(), name}});
  const std::string serial("\x6c\x76\x63\x68\x65\x63\x6b\x30", 8);
  for (uint64_t sector : {uint64_t{0}, L::kExt4Bytes - kSectorBytes})
    if (ReadFileFrom(ntfs, sector + 3, 8) == "NTFS    ") WriteIntoImage(ntfs, sector + 0x48, serial);
  CopyIntoImage(ntfs, disk, L::kExt4Offset);
  SetMbrPartitionType(disk, 0, 0x07);
}

fs::path BlankImage(const fs::path& work, const std::string& table) {
  auto image = work / "disk.img";
  WriteFileAtomic(image, "");
  fs::resize_file(image, kInternalDiskBytes);
  RunChecked({.argv = {"sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", image.string()}, .stdin_data = table});
  return image;
}

void MakeExt4(const fs::path& image, const fs::path& work, uint64_t offset, uint64_t bytes, const std::string& label,
              const std::map<std::string, std::string>& files, int uuid) {
  auto tree = work / ("tree-" + label);
  fs::create_directories(tree);
  for (const auto& [name, content] : files) WriteFileAtomic(tree / name, content);
  RunChecked({.argv = {"mkfs.ext4", "-q", "-F", "-L", label, "-U", fmt::format("6c697665-6368-6563-6b00-{:012}", uuid),
                       "-E", fmt::format("root_owner=0:0,offset={}", offset), "-d", tree.string(), image.string(),
                       std::to_string(bytes / 1024) + "k"},
              .extra_env = ReproducibleToolEnv()});
}

std::string GptPartition(uint64_t offset, uint64_t bytes, const char* type, const std::string& name, int uuid) {
  return fmt::format("start={}, size={}, type={}, uuid=6C697665-6368-6563-6B01-{:012}, name=\"{}\"\n",
                     offset / kSectorBytes, bytes / kSectorBytes, type, uuid, name);
}

constexpr const char* kGptHeader = "label: gpt\nlabel-id: 6C697665-6368-6563-6B01-000000000000\n";
constexpr const char* kLinuxData = "0FC63DAF-8483-4772-8E79-3D69E47D7D8D";

fs::path SwapOnlyDisk(const fs::path& work) {
  auto image = BlankImage(work, fmt::format("label: dos\nlabel-id: 0x6c766369\nstart={}, type=82\n", kMiB / kSectorBytes));
  auto swap = work / "swap.img";
  WriteFileAtomic(swap, "");
  fs::resize_file(swap, kInternalDiskBytes - kMiB);
  RunChecked({.argv = {"mkswap", "-L", "SWAP", "-U", "6c697665-6368-6563-6b00-000000000004", swap.string()}});
  CopyIntoImage(swap, image, kMiB);
  return image;
}

fs::path EspDisk(const fs::path& work) {
  const uint64_t esp = 1 * kMiB, esp_bytes = 40 * kMiB, data = 41 * kMiB, data_bytes = 38 * kMiB;
  auto image = BlankImage(work, std::string(kGptHeader) +
                                    GptPartition(esp, esp_bytes, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
                                                 "EFI System Partition", 1) +
                                    GptPartition(data, data_bytes, kLinuxData, "data", 2));
  RunChecked({.argv = {"mkfs.vfat", "--invariant", "-i", "6c766369", "-n", "ESP", "--offset",
                       std::to_string(esp / kSectorBytes), image.string(), std::to_string(esp_bytes / 1024)},
              .extra_env = ReproducibleToolEnv()});
  auto target = fmt::format("{}@@{}", image.string(), esp);
  for (const char* dir : {"::EFI", "::EFI/BOOT", "::loader"})
    RunChecked({.argv = {"mmd", "-i", target, dir}, .extra_env = ReproducibleToolEnv()});
  WriteFileAtomic(work / "BOOTX64.EFI", "the suspect's boot loader (a placeholder)\n");
  WriteFileAtomic(work / "random-seed", std::string(32, '\x5a'));
  RunChecked({.argv = {"mcopy", "-i", target, (work / "BOOTX64.EFI").string(), "::EFI/BOOT/BOOTX64.EFI"},
              .extra_env = ReproducibleToolEnv()});
  RunChecked({.argv = {"mcopy", "-i", target, (work / "random-seed").string(), "::loader/random-seed"},
              .extra_env = ReproducibleToolEnv()});
  MakeExt4(image, work, data, data_bytes, "INTERNAL", {{"known-file.txt", kKnownFileContent}}, 5);
  return image;
}

fs::path PersistenceDecoysDisk(const fs::path& work) {
  struct Decoy {
    const char* label;
    uint64_t offset, bytes;
    std::map<std::string, std::string> files;
  };
  const Decoy decoys[] = {
      {"persistence", 1 * kMiB, 24 * kMiB, {{"known-file.txt", kKnownFileContent}, {"persistence.conf", "/ union\n"}}},
      {"casper-rw", 25 * kMiB, 24 * kMiB, {{"known-file.txt", kKnownFileContent}}},
      {"TailsData", 49 * kMiB, 30 * kMiB, {{"known-file.txt", kKnownFileContent}}}};
  std::string table = kGptHeader;
  int n = 0;
  for (const auto& d : decoys) table += GptPartition(d.offset, d.bytes, kLinuxData, d.label, 10 + ++n);
  auto image = BlankImage(work, table);
  n = 0;
  for (const auto& d : decoys) MakeExt4(image, work, d.offset, d.bytes, d.label, d.files, 10 + ++n);
  return image;
}

// The hazard's image, made in `work` (from the realistic disk or anew).
fs::path MakeHazard(const std::string& hazard, const fs::path& realistic, const fs::path& work) {
  if (hazard == "swap") return SwapOnlyDisk(work);
  if (hazard == "esp") return EspDisk(work);
  if (hazard == "persistence-decoys") return PersistenceDecoysDisk(work);
  auto disk = work / "disk.img";
  fs::copy_file(realistic, disk);
  if (hazard == "ext4-dirty-journal") AddDirtyJournal(disk, work);
  else if (hazard == "fat-dirty") AddFatDirtyBit(disk);
  else if (hazard == "swap-hibernated") AddHibernationSignature(disk);
  else if (hazard == "luks") AddLuks(disk, work);
  else if (hazard == "ntfs-hibernated") AddNtfsHibernated(disk, work);
  else if (hazard == "xfs-dirty-log") AddXfsDirtyLog(disk);
  else if (hazard == "btrfs-log-tree") AddBtrfsLogTree(disk);
  else if (hazard == "mdraid-member") AddMdraidMember(disk);
  else if (hazard == "lvm-pv") AddLvmPv(disk);
  else throw Error(fmt::format("no recipe for internal disk hazard '{}'", hazard));
  return disk;
}

}  // namespace

fs::path EnsureHazardDisk(const fs::path& cache_dir, const std::string& hazard) {
  if (!IsHazardName(hazard))
    throw Error(fmt::format("unknown internal disk hazard '{}' (expected one of: {})", hazard, fmt::join(HazardNames(), ", ")));
  auto realistic = EnsureInternalDiskImage(cache_dir);
  if (hazard == "realistic") return realistic;
  auto image = cache_dir / fmt::format("internal-disk-{}-v1.img", hazard);
  if (fs::exists(image)) return image;
  TempDir work(cache_dir, ".hazard-");
  auto made = MakeHazard(hazard, realistic, work.path());
  // Linked, not renamed, as the realistic disk: a concurrent run may hash it.
  std::error_code ec;
  fs::create_hard_link(made, image, ec);
  if (ec && !fs::exists(image)) throw Error(DescribeIoError("create", image, ec.value()));
  return image;
}

}  // namespace livecheck
