#include "builder/fat_disk_image.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"

namespace livecheck {
namespace {

constexpr uint64_t kSector = 512;
constexpr uint64_t kMiB = 1 << 20;

uint64_t RoundUp(uint64_t value, uint64_t unit) { return (value + unit - 1) / unit * unit; }

uint64_t ContentBytes(const std::vector<FatFile>& files) {
  uint64_t total = 0;
  for (const auto& f : files) total += f.source.empty() ? f.text.size() : fs::file_size(f.source);
  // Cluster slack and directory entries: a few percent plus 32 KiB per file.
  return total + total / 32 + files.size() * 32768;
}

void CreateSizedFile(const fs::path& image, uint64_t size) {
  int fd = open(image.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(DescribeIoError("create", image, errno));
  // fallocate, not ftruncate: a full disk must fail here, not later inside mkfs.
  int rc = posix_fallocate(fd, 0, static_cast<off_t>(size));
  close(fd);
  if (rc != 0) {
    unlink(image.c_str());
    throw Error(DescribeIoError("allocate", image, rc));
  }
}

// Copies the files into the FAT file system at byte `offset` of `image`.
void CopyFiles(const std::vector<FatFile>& files, const fs::path& image, uint64_t offset, int64_t epoch,
               const fs::path& scratch) {
  std::string target = offset == 0 ? image.string() : fmt::format("{}@@{}", image.string(), offset);
  auto env = EpochEnvironment(epoch);
  std::vector<std::string> dirs;
  for (const auto& f : files) {
    for (auto slash = f.dest.find('/'); slash != std::string::npos; slash = f.dest.find('/', slash + 1)) {
      auto dir = f.dest.substr(0, slash);
      if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
    }
  }
  for (const auto& dir : dirs) RunChecked({.argv = {"mmd", "-i", target, "::/" + dir}, .extra_env = env});
  int n = 0;
  for (const auto& f : files) {
    fs::path source = f.source;
    if (source.empty()) {
      source = scratch / fmt::format("inline{}", n++);
      WriteFileAtomic(source, f.text);
    }
    RunChecked({.argv = {"mcopy", "-o", "-i", target, source.string(), "::/" + f.dest}, .extra_env = env});
  }
}

}  // namespace

std::map<std::string, std::string> EpochEnvironment(int64_t epoch) {
  return {{"SOURCE_DATE_EPOCH", std::to_string(epoch)}, {"MTOOLS_SKIP_CHECK", "1"}};
}

std::string SfdiskScript(const FatDiskSpec& spec, uint64_t total_sectors) {
  uint64_t start = kPartitionOffset / kSector;
  std::string script;
  if (spec.table == FatDiskSpec::Table::kGpt) {
    // The backup GPT takes the last 33 sectors: size the partition to end before it.
    uint64_t size = (total_sectors - 34 - start) / 2048 * 2048;
    script = fmt::format("label: gpt\nlabel-id: {}\nstart={}, size={}, type={}, uuid={}, name=\"LIVE\"\n",
                         spec.disk_id, start, size,
                         spec.efi_system ? "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
                                         : "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7",
                         spec.partition_uuid);
  } else {
    uint64_t size = total_sectors - start;
    script = fmt::format("label: dos\nlabel-id: {}\nstart={}, size={}, type={}{}\n", spec.disk_id, start, size,
                         spec.efi_system ? "ef" : "c", spec.bootable ? ", bootable" : "");
  }
  return script;
}

void BuildFatDiskImage(const FatDiskSpec& spec, const fs::path& image) {
  uint64_t fs_bytes = RoundUp(ContentBytes(spec.files) + spec.spare_bytes, kMiB);
  uint64_t total = kPartitionOffset + fs_bytes + (spec.table == FatDiskSpec::Table::kGpt ? kMiB : 0);
  CreateSizedFile(image, total);
  try {
    RunChecked({.argv = {"sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", image.string()},
                .stdin_data = SfdiskScript(spec, total / kSector)});
    // Size the file system from the partition table, so it cannot overrun a backup GPT.
    uint64_t part_sectors = spec.table == FatDiskSpec::Table::kGpt
                                ? (total / kSector - 34 - kPartitionOffset / kSector) / 2048 * 2048
                                : (total - kPartitionOffset) / kSector;
    RunChecked({.argv = {"mkfs.vfat", "--invariant", "-i", fmt::format("{:08x}", spec.volume_id), "-n", spec.label,
                         "--offset", std::to_string(kPartitionOffset / kSector), image.string(),
                         std::to_string(part_sectors / 2)},
                .extra_env = EpochEnvironment(spec.epoch)});
    TempDir scratch(image.parent_path(), ".fat-");
    CopyFiles(spec.files, image, kPartitionOffset, spec.epoch, scratch.path());
  } catch (...) {
    fs::remove(image);
    throw;
  }
}

void BuildFatFilesystemImage(const std::vector<FatFile>& files, const std::string& label, uint32_t volume_id,
                             int64_t epoch, const fs::path& image) {
  uint64_t bytes = RoundUp(ContentBytes(files) + 512 * 1024, kMiB);
  CreateSizedFile(image, bytes);
  try {
    RunChecked({.argv = {"mkfs.vfat", "--invariant", "-i", fmt::format("{:08x}", volume_id), "-n", label,
                         image.string()},
                .extra_env = EpochEnvironment(epoch)});
    TempDir scratch(image.parent_path(), ".fat-");
    CopyFiles(files, image, 0, epoch, scratch.path());
  } catch (...) {
    fs::remove(image);
    throw;
  }
}

}  // namespace livecheck
