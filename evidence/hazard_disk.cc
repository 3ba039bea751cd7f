#include "evidence/hazard_disk.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "evidence/internal_disk.h"

namespace livecheck {
namespace {

using L = InternalDiskLayout;

// A journal transaction that rewrites /known-file.txt's block, committed and
// never checkpointed: the state a power cut after the commit leaves.
void AddDirtyJournal(const fs::path& disk, const fs::path& work) {
  auto ext4 = work / "ext4.img";
  WriteFileAtomic(ext4, ReadFile(disk).substr(L::kExt4Offset, L::kExt4Bytes));
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

}  // namespace

fs::path EnsureHazardDisk(const fs::path& cache_dir, const std::string& hazard) {
  if (!IsHazardName(hazard))
    throw Error(fmt::format("unknown internal disk hazard '{}' (expected one of: {})", hazard, fmt::join(HazardNames(), ", ")));
  auto realistic = EnsureInternalDiskImage(cache_dir);
  if (hazard == "realistic") return realistic;
  auto image = cache_dir / fmt::format("internal-disk-{}-v1.img", hazard);
  if (fs::exists(image)) return image;
  TempDir work(cache_dir, ".hazard-");
  auto temp = work.path() / "disk.img";
  fs::copy_file(realistic, temp);
  AddDirtyJournal(temp, work.path());
  // Linked, not renamed, as the realistic disk: a concurrent run may hash it.
  std::error_code ec;
  fs::create_hard_link(temp, image, ec);
  if (ec && !fs::exists(image)) throw Error(DescribeIoError("create", image, ec.value()));
  return image;
}

}  // namespace livecheck
