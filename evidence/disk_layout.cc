#include "evidence/disk_layout.h"

#include <algorithm>
#include <memory>
#include <string_view>

#include <fmt/format.h>

namespace livecheck {
namespace {

constexpr uint64_t kLbaBytes = 512;
// A disk image is input: every count read from it is bounded before it
// drives a loop.
constexpr uint64_t kMaxGroups = 4096;
constexpr uint32_t kMaxGptEntries = 256;

uint64_t Be(const std::string& b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | (at + i < b.size() ? static_cast<uint8_t>(b[at + i]) : 0);
  return v;
}

// Safe views into bytes that may be shorter than a structure claims.
std::string Bytes(const std::string& b, size_t at, size_t n) { return at >= b.size() ? "" : b.substr(at, n); }
bool HasAt(const std::string& b, size_t at, std::string_view what) { return Bytes(b, at, what.size()) == what; }
uint8_t Byte(const std::string& b, size_t at) { return static_cast<uint8_t>(LittleEndian(b, at, 1)); }

std::string Printable(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    if (c == '\0') break;
    out += (c >= 0x20 && c < 0x7f && c != '\'') ? c : '?';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

struct Partition {
  int number = 0;
  uint64_t offset = 0, length = 0;
  std::string gpt_name;
};

// UTF-16LE partition names: the ASCII part is what users type.
std::string GptName(const std::string& entry) {
  std::string name;
  for (size_t i = 56; i + 1 < 128 && i + 1 < entry.size(); i += 2) {
    uint16_t c = static_cast<uint16_t>(LittleEndian(entry, i, 2));
    if (c == 0) break;
    name += c < 0x80 ? static_cast<char>(c) : '?';
  }
  return Printable(name);
}

void AddGpt(const ByteReader& read, uint64_t disk_bytes, std::vector<DiskRegion>& out, std::vector<Partition>& parts) {
  auto header = read(kLbaBytes, kLbaBytes);
  if (!HasAt(header, 0, "EFI PART")) return;
  out.push_back({"GPT header", kLbaBytes, kLbaBytes});
  uint64_t entries_lba = LittleEndian(header, 72, 8);
  uint32_t count = std::min<uint32_t>(static_cast<uint32_t>(LittleEndian(header, 80, 4)), kMaxGptEntries);
  uint32_t size = static_cast<uint32_t>(LittleEndian(header, 84, 4));
  if (size < 128 || size > 4096 || entries_lba == 0 || entries_lba > disk_bytes / kLbaBytes) return;
  uint64_t table_bytes = uint64_t{count} * size;
  out.push_back({"GPT partition entries", entries_lba * kLbaBytes, (table_bytes + kLbaBytes - 1) / kLbaBytes * kLbaBytes});
  uint64_t backup_lba = LittleEndian(header, 32, 8);
  if (backup_lba > 0 && backup_lba < disk_bytes / kLbaBytes) {
    out.push_back({"backup GPT header", backup_lba * kLbaBytes, kLbaBytes});
    uint64_t table_sectors = (table_bytes + kLbaBytes - 1) / kLbaBytes;
    if (backup_lba > table_sectors)
      out.push_back({"backup GPT partition entries", (backup_lba - table_sectors) * kLbaBytes, table_sectors * kLbaBytes});
  }
  auto table = read(entries_lba * kLbaBytes, table_bytes);
  for (uint32_t i = 0; i < count && (i + 1) * size <= table.size(); ++i) {
    auto entry = Bytes(table, i * size, size);
    uint64_t first = LittleEndian(entry, 32, 8), last = LittleEndian(entry, 40, 8);
    if (LittleEndian(entry, 0, 8) == 0 && LittleEndian(entry, 8, 8) == 0) continue;  // unused entry
    if (last < first || last >= disk_bytes / kLbaBytes) continue;
    parts.push_back({static_cast<int>(i + 1), first * kLbaBytes, (last - first + 1) * kLbaBytes, GptName(entry)});
  }
}

void AddPartitionTable(const ByteReader& read, uint64_t disk_bytes, std::vector<DiskRegion>& out,
                       std::vector<Partition>& parts) {
  auto mbr = read(0, kLbaBytes);
  if (Byte(mbr, 510) != 0x55 || Byte(mbr, 511) != 0xaa) return;
  bool protective = false;
  std::vector<Partition> primary;
  for (int i = 0; i < 4; ++i) {
    size_t at = 446 + 16 * i;
    uint8_t type = Byte(mbr, at + 4);
    uint64_t start = LittleEndian(mbr, at + 8, 4), sectors = LittleEndian(mbr, at + 12, 4);
    if (type == 0xee) protective = true;
    if (type == 0 || sectors == 0 || type == 0x05 || type == 0x0f || type == 0xee) continue;
    if ((start + sectors) * kLbaBytes > disk_bytes) continue;
    primary.push_back({i + 1, start * kLbaBytes, sectors * kLbaBytes, ""});
  }
  // A FAT or NTFS boot sector also ends in 55 AA: a table holds partitions.
  if (!protective && primary.empty()) return;
  out.push_back({protective ? "protective MBR" : "MBR", 0, kLbaBytes});
  if (protective)
    AddGpt(read, disk_bytes, out, parts);
  else
    parts = primary;
}

struct Ext4 {
  uint64_t block = 0, first_data_block = 0, blocks = 0, blocks_per_group = 0, inodes_per_group = 0;
  uint64_t inode_size = 0, desc_size = 32, reserved_gdt = 0;
  bool sparse_super = false;
};

bool HasBackupSuperblock(uint64_t group) {
  if (group <= 1) return true;
  for (uint64_t base : {3, 5, 7}) {
    uint64_t g = group;
    while (g % base == 0) g /= base;
    if (g == 1) return true;
  }
  return false;
}

// The journal's extents, from the superblock's backup of the journal
// inode's i_block (s_jnl_blocks): no inode table read needed.
void AddExt4Journal(const std::string& sb, const Ext4& fs, uint64_t base, const std::string& prefix,
                    std::vector<DiskRegion>& out) {
  if (Byte(sb, 0xfd) != 1) return;  // EXT3_JNL_BACKUP_BLOCKS
  std::string iblock = Bytes(sb, 0x10c, 60);
  if (LittleEndian(iblock, 0, 2) != 0xf30a || LittleEndian(iblock, 6, 2) != 0) return;  // only a depth-0 extent tree
  uint64_t entries = std::min<uint64_t>(LittleEndian(iblock, 2, 2), 4);
  bool first = true;
  for (uint64_t i = 0; i < entries; ++i) {
    size_t at = 12 + 12 * i;
    uint64_t length = LittleEndian(iblock, at + 4, 2) & 0x7fff;
    uint64_t start = (LittleEndian(iblock, at + 6, 2) << 32) | LittleEndian(iblock, at + 8, 4);
    if (length == 0 || start + length > fs.blocks) continue;
    uint64_t offset = base + start * fs.block;
    if (first) {
      out.push_back({prefix + ": journal superblock", offset, fs.block, 1});
      offset += fs.block, --length, first = false;
    }
    if (length) out.push_back({prefix + ": journal", offset, length * fs.block, 1});
  }
}

void AddExt4(const ByteReader& read, uint64_t base, uint64_t bytes, const std::string& prefix,
             std::vector<DiskRegion>& out) {
  auto sb = read(base + 1024, 1024);
  Ext4 fs;
  fs.block = 1024ull << std::min<uint64_t>(LittleEndian(sb, 0x18, 4), 6);
  fs.first_data_block = LittleEndian(sb, 0x14, 4);
  fs.blocks = LittleEndian(sb, 0x04, 4);
  fs.blocks_per_group = LittleEndian(sb, 0x20, 4);
  fs.inodes_per_group = LittleEndian(sb, 0x28, 4);
  fs.inode_size = LittleEndian(sb, 0x58, 2);
  fs.reserved_gdt = LittleEndian(sb, 0xce, 2);
  fs.sparse_super = LittleEndian(sb, 0x64, 4) & 0x1;
  bool is64 = LittleEndian(sb, 0x60, 4) & 0x80;
  if (is64) fs.desc_size = std::max<uint64_t>(LittleEndian(sb, 0xfe, 2), 32);
  if (fs.blocks_per_group == 0 || fs.blocks * fs.block > bytes || fs.inode_size == 0) return;
  uint64_t groups = std::min((fs.blocks - fs.first_data_block + fs.blocks_per_group - 1) / fs.blocks_per_group, kMaxGroups);
  uint64_t gdt_blocks = (groups * fs.desc_size + fs.block - 1) / fs.block;
  uint64_t table_blocks = (fs.inodes_per_group * fs.inode_size + fs.block - 1) / fs.block;
  for (uint64_t g = 0; g < groups; ++g) {
    if (fs.sparse_super && !HasBackupSuperblock(g)) continue;
    uint64_t group_start = fs.first_data_block + g * fs.blocks_per_group;
    uint64_t sb_offset = g == 0 ? base + 1024 : base + group_start * fs.block;
    out.push_back({prefix + (g == 0 ? ": superblock" : fmt::format(": backup superblock (group {})", g)), sb_offset,
                   g == 0 ? 1024 : fs.block, 1});
    uint64_t gdt = base + (group_start + 1) * fs.block;
    out.push_back({prefix + (g == 0 ? ": group descriptors" : fmt::format(": backup group descriptors (group {})", g)),
                   gdt, gdt_blocks * fs.block, 1});
    if (fs.reserved_gdt)
      out.push_back({prefix + ": reserved GDT blocks", gdt + gdt_blocks * fs.block, fs.reserved_gdt * fs.block, 1});
  }
  auto gdt = read(base + (fs.first_data_block + 1) * fs.block, gdt_blocks * fs.block);
  for (uint64_t g = 0; g < groups && (g + 1) * fs.desc_size <= gdt.size(); ++g) {
    size_t at = g * fs.desc_size;
    auto field = [&](size_t lo, size_t hi) { return LittleEndian(gdt, at + lo, 4) | (is64 ? LittleEndian(gdt, at + hi, 4) << 32 : 0); };
    uint64_t block_bitmap = field(0x0, 0x20), inode_bitmap = field(0x4, 0x24), inode_table = field(0x8, 0x28);
    if (block_bitmap && block_bitmap < fs.blocks)
      out.push_back({prefix + fmt::format(": block bitmap (group {})", g), base + block_bitmap * fs.block, fs.block, 1});
    if (inode_bitmap && inode_bitmap < fs.blocks)
      out.push_back({prefix + fmt::format(": inode bitmap (group {})", g), base + inode_bitmap * fs.block, fs.block, 1});
    if (inode_table && inode_table + table_blocks <= fs.blocks)
      out.push_back({prefix + fmt::format(": inode table (group {})", g), base + inode_table * fs.block,
                     table_blocks * fs.block, 1});
  }
  AddExt4Journal(sb, fs, base, prefix, out);
}

void AddFat(const std::string& boot, uint64_t base, uint64_t bytes, const std::string& prefix,
            std::vector<DiskRegion>& out) {
  uint64_t sector = LittleEndian(boot, 11, 2), reserved = LittleEndian(boot, 14, 2), fats = Byte(boot, 16);
  uint64_t root_entries = LittleEndian(boot, 17, 2), fat_sectors = LittleEndian(boot, 22, 2);
  if (fat_sectors == 0) fat_sectors = LittleEndian(boot, 36, 4);
  if (sector < 512 || sector > 4096 || fats == 0 || fats > 4 || (reserved + fats * fat_sectors) * sector > bytes) return;
  out.push_back({prefix + ": boot sector", base, sector, 1});
  if (reserved > 1) out.push_back({prefix + ": reserved sectors", base + sector, (reserved - 1) * sector, 1});
  uint64_t at = base + reserved * sector;
  for (uint64_t i = 0; i < fats; ++i, at += fat_sectors * sector)
    out.push_back({prefix + fmt::format(": FAT {}", i + 1), at, fat_sectors * sector, 1});
  uint64_t root_bytes = (root_entries * 32 + sector - 1) / sector * sector;
  if (root_bytes) out.push_back({prefix + ": root directory", at, root_bytes, 1});
  at += root_bytes;
  if (at < base + bytes) out.push_back({prefix + ": data clusters", at, base + bytes - at, 1});
}

std::string AddFileSystem(const ByteReader& read, uint64_t base, uint64_t bytes, const std::string& partition,
                          std::vector<DiskRegion>& out, int nesting = 0);

// XFS (big-endian): a header in each allocation group (superblock or its
// copy, AGF, AGI, AGFL: one sector each) and the internal log, whose start
// is an AG-relative block number.
void AddXfs(const std::string& sb, uint64_t base, uint64_t bytes, const std::string& prefix,
            std::vector<DiskRegion>& out) {
  uint64_t block = Be(sb, 4, 4), agblocks = Be(sb, 84, 4), agcount = Be(sb, 88, 4), sector = Be(sb, 102, 2);
  uint64_t logstart = Be(sb, 48, 8), logblocks = Be(sb, 96, 4), agblklog = Byte(sb, 124);
  if (block < 512 || block > 65536 || sector < 512 || sector > block || agblocks == 0 || agcount == 0 ||
      agcount > kMaxGroups || agblklog > 31 || agcount * agblocks * block > bytes * 2)
    return;
  for (uint64_t ag = 0; ag < agcount; ++ag) {
    uint64_t at = base + ag * agblocks * block;
    if (ag == 0) out.push_back({prefix + ": superblock", at, sector, 1});
    out.push_back({prefix + (ag == 0 ? ": AG 0 headers (AGF, AGI, AGFL)" : fmt::format(": AG {} headers", ag)),
                   ag == 0 ? at + sector : at, ag == 0 ? 3 * sector : 4 * sector, 1});
  }
  if (logstart != 0 && logblocks != 0) {
    uint64_t agno = logstart >> agblklog, agbno = logstart & ((1ull << agblklog) - 1);
    out.push_back({prefix + ": log", base + (agno * agblocks + agbno) * block, logblocks * block, 1});
  }
}

// md RAID metadata 1.1 (at the start) or 1.2 (4 KiB in): the superblock,
// the write-intent bitmap when there is one, and the member's data area,
// whose own file system is named inside it.
bool AddMdMember(const ByteReader& read, uint64_t base, uint64_t bytes, const std::string& partition,
                 std::vector<DiskRegion>& out, int nesting) {
  for (uint64_t sb_at : {uint64_t{4096}, uint64_t{0}}) {
    auto sb = read(base + sb_at, 1024);
    if (LittleEndian(sb, 0, 4) != 0xa92b4efc || LittleEndian(sb, 4, 4) != 1) continue;
    auto prefix = fmt::format("{} md '{}'", partition, Printable(Bytes(sb, 32, 32)));
    uint64_t data_offset = LittleEndian(sb, 128, 8) * 512, data_size = LittleEndian(sb, 136, 8) * 512;
    out.push_back({prefix, base, bytes, 0});
    out.push_back({prefix + ": md superblock", base + sb_at, 1024, 1});
    int64_t bitmap = static_cast<int32_t>(LittleEndian(sb, 96, 4));
    if ((LittleEndian(sb, 8, 4) & 1) && bitmap > 0 && sb_at + bitmap * 512 < data_offset)
      out.push_back({prefix + ": md write-intent bitmap", base + sb_at + bitmap * 512,
                     data_offset - sb_at - bitmap * 512, 1});
    if (data_offset > sb_at && data_offset < bytes && data_size > 0)
      AddFileSystem(read, base + data_offset, std::min(data_size, bytes - data_offset), prefix + " data", out,
                    nesting + 1);
    return true;
  }
  return false;
}

// An LVM2 physical volume: the label (in one of the first four sectors),
// the metadata area (text naming the volume group) and the extents, where
// the first logical volume's file system starts when it was created first.
bool AddLvmPvRegions(const ByteReader& read, uint64_t base, uint64_t bytes, const std::string& partition,
              std::vector<DiskRegion>& out, int nesting) {
  auto head = read(base, 2048);
  for (uint64_t sector = 0; sector < 4; ++sector) {
    size_t at = sector * 512;
    if (!HasAt(head, at, "LABELONE") || !HasAt(head, at + 24, "LVM2 001")) continue;
    size_t pv = at + LittleEndian(head, at + 20, 4);
    // After the PV's UUID (32) and size (8): data areas, a zero entry, then
    // metadata areas, a zero entry; each {offset, size}, in bytes.
    size_t loc = pv + 40;
    uint64_t data_offset = 0, mda_offset = 0, mda_size = 0;
    for (int i = 0; i < 8 && LittleEndian(head, loc, 8) != 0; ++i, loc += 16)
      if (i == 0) data_offset = LittleEndian(head, loc, 8);
    loc += 16;
    if (LittleEndian(head, loc, 8) != 0) mda_offset = LittleEndian(head, loc, 8), mda_size = LittleEndian(head, loc + 8, 8);
    std::string vg;
    if (mda_offset && mda_offset < bytes) {
      auto mda = read(base + mda_offset, 512);
      uint64_t text = LittleEndian(mda, 40, 8);  // the first raw_locn's offset from the area's start
      if (text > 0 && text < mda_size) {
        auto metadata = read(base + mda_offset + text, 256);
        vg = Printable(metadata.substr(0, metadata.find(" {")));
      }
    }
    auto prefix = fmt::format("{} LVM PV '{}'", partition, vg);
    out.push_back({prefix, base, bytes, 0});
    out.push_back({prefix + ": LVM label", base + at, 512, 1});
    if (mda_offset) out.push_back({prefix + ": LVM metadata", base + mda_offset, mda_size, 1});
    if (data_offset > 0 && data_offset < bytes)
      AddFileSystem(read, base + data_offset, bytes - data_offset, prefix + " extents", out, nesting + 1);
    return true;
  }
  return false;
}

// Names the file system at `base` and adds its structures; containers (md,
// LVM) name the file system inside them, to a bounded depth.
std::string AddFileSystem(const ByteReader& read, uint64_t base, uint64_t bytes, const std::string& partition,
                          std::vector<DiskRegion>& out, int nesting) {
  // Containers first: a member keeps whatever an earlier file system left
  // beside its own superblock.
  if (nesting < 2 && (AddMdMember(read, base, bytes, partition, out, nesting) ||
                      AddLvmPvRegions(read, base, bytes, partition, out, nesting)))
    return partition;
  auto head = read(base, 4096);
  auto sb = read(base + 1024, 1024);
  if (LittleEndian(sb, 0x38, 2) == 0xef53) {
    auto prefix = fmt::format("{} ext4 '{}'", partition, Printable(Bytes(sb, 0x78, 16)));
    out.push_back({prefix, base, bytes, 0});
    AddExt4(read, base, bytes, prefix, out);
    return prefix;
  }
  auto sig = Bytes(head, 4086, 10);
  if (sig.rfind("SWAPSPACE2", 0) == 0 || sig.rfind("S1SUSPEND", 0) == 0 || sig.rfind("SWAP-SPACE", 0) == 0) {
    bool hibernated = sig.rfind("S1SUSPEND", 0) == 0;
    auto prefix = fmt::format("{} {} '{}'", partition, hibernated ? "swap (hibernation image)" : "swap",
                              Printable(Bytes(head, 1052, 16)));
    out.push_back({prefix, base, bytes, 0});
    out.push_back({prefix + ": swap header", base, 4096, 1});
    return prefix;
  }
  if (HasAt(head, 0, "LUKS\xba\xbe")) {
    auto prefix = fmt::format("{} LUKS{}", partition, Be(head, 6, 2));
    out.push_back({prefix, base, bytes, 0});
    uint64_t header = Be(head, 8, 8);  // LUKS2's hdr_size; LUKS1 has its cipher name here
    if (header >= 4096 && header <= (4u << 20)) out.push_back({prefix + ": LUKS2 headers", base, 2 * header, 1});
    else out.push_back({prefix + ": LUKS header", base, 4096, 1});
    return prefix;
  }
  if (Byte(head, 510) == 0x55 && Byte(head, 511) == 0xaa && (HasAt(head, 54, "FAT") || HasAt(head, 82, "FAT"))) {
    bool fat32 = LittleEndian(head, 22, 2) == 0;
    auto prefix = fmt::format("{} FAT '{}'", partition, Printable(Bytes(head, fat32 ? 71 : 43, 11)));
    out.push_back({prefix, base, bytes, 0});
    AddFat(head, base, bytes, prefix, out);
    return prefix;
  }
  if (HasAt(head, 0, "XFSB")) {
    auto prefix = fmt::format("{} XFS '{}'", partition, Printable(Bytes(head, 108, 12)));
    out.push_back({prefix, base, bytes, 0});
    AddXfs(head, base, bytes, prefix, out);
    return prefix;
  }
  auto btrfs = read(base + 0x10000, 4096);
  if (HasAt(btrfs, 0x40, "_BHRfS_M")) {
    auto prefix = fmt::format("{} btrfs '{}'", partition, Printable(Bytes(btrfs, 0x12b, 64)));
    out.push_back({prefix, base, bytes, 0});
    out.push_back({prefix + ": superblock", base + 0x10000, 4096, 1});
    if (bytes > (64ull << 20) + 4096) out.push_back({prefix + ": superblock copy", base + (64ull << 20), 4096, 1});
    return prefix;
  }
  if (HasAt(head, 3, "NTFS    ")) {
    auto prefix = partition + " NTFS";
    out.push_back({prefix, base, bytes, 0});
    out.push_back({prefix + ": boot sector", base, 512, 1});
    return prefix;
  }
  out.push_back({partition, base, bytes, 0});
  return partition;
}

}  // namespace

std::vector<DiskRegion> DiskLayoutOf(const ByteReader& read, uint64_t disk_bytes) {
  std::vector<DiskRegion> out;
  std::vector<Partition> parts;
  AddPartitionTable(read, disk_bytes, out, parts);
  if (out.empty()) {
    AddFileSystem(read, 0, disk_bytes, "whole disk", out);
    parts.clear();
  }
  for (const auto& p : parts) {
    std::string name = fmt::format("p{}", p.number);
    if (!p.gpt_name.empty()) name += fmt::format(" [{}]", p.gpt_name);
    AddFileSystem(read, p.offset, p.length, name, out);
  }
  // Structures read from a file system's own fields may claim more than
  // the disk holds.
  std::erase_if(out, [&](const DiskRegion& r) { return r.offset >= disk_bytes || r.length == 0; });
  for (auto& r : out) r.length = std::min(r.length, disk_bytes - r.offset);
  return out;
}

std::string RegionNameAt(const std::vector<DiskRegion>& layout, uint64_t offset) {
  const DiskRegion* best = nullptr;
  for (const auto& r : layout)
    if (offset >= r.offset && offset - r.offset < r.length && (!best || r.depth > best->depth ||
                                                                 (r.depth == best->depth && r.length < best->length)))
      best = &r;
  return best ? best->name : "unpartitioned";
}

std::vector<uint64_t> RegionBoundariesIn(const std::vector<DiskRegion>& layout, uint64_t offset, uint64_t length) {
  std::vector<uint64_t> cuts;
  for (const auto& r : layout)
    for (uint64_t at : {r.offset, r.offset + r.length})
      if (at > offset && at - offset < length) cuts.push_back(at);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

}  // namespace livecheck
