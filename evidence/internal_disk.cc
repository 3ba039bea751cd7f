#include "evidence/internal_disk.h"

#include <fcntl.h>
#include <unistd.h>

#include <map>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"

namespace livecheck {
namespace {

using L = InternalDiskLayout;
constexpr uint64_t kSector = 512;
const std::map<std::string, std::string> kEpoch = {{"E2FSPROGS_FAKE_TIME", "1700000000"},
                                                                  {"SOURCE_DATE_EPOCH", "1700000000"},
                                                                  {"MTOOLS_SKIP_CHECK", "1"}};

std::string PartitionTable() {
  auto part = [](uint64_t offset, uint64_t bytes, const char* type) {
    return fmt::format("start={}, size={}, type={}\n", offset / kSector, bytes / kSector, type);
  };
  return "label: dos\nlabel-id: 0x6c766368\n" + part(L::kExt4Offset, L::kExt4Bytes, "83") +
         part(L::kSwapOffset, L::kSwapBytes, "82") + part(L::kFatOffset, L::kFatBytes, "c");
}

}  // namespace

const std::map<std::string, std::string>& ReproducibleToolEnv() { return kEpoch; }

void CopyIntoImage(const fs::path& from, const fs::path& image, uint64_t offset) {
  WriteIntoImage(image, offset, ReadFile(from));
}

void WriteIntoImage(const fs::path& image, uint64_t offset, const std::string& data) {
  int fd = open(image.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw Error(DescribeIoError("open", image, errno));
  ssize_t n = pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
  int error = errno;
  close(fd);
  if (n != static_cast<ssize_t>(data.size())) throw Error(DescribeIoError("write", image, error));
}

void SetMbrPartitionType(const fs::path& image, int index, uint8_t type) {
  WriteIntoImage(image, 446 + 16 * static_cast<uint64_t>(index) + 4, std::string(1, static_cast<char>(type)));
}

fs::path EnsureInternalDiskImage(const fs::path& cache_dir) {
  auto image = cache_dir / "internal-disk-v2.img";
  if (fs::exists(image)) return image;
  fs::create_directories(cache_dir);
  TempDir work(cache_dir, ".internal-");
  fs::create_directories(work.path() / "tree");
  WriteFileAtomic(work.path() / "tree/known-file.txt", kKnownFileContent);
  auto temp = work.path() / "disk.img";
  WriteFileAtomic(temp, "");
  fs::resize_file(temp, kInternalDiskBytes);
  RunChecked({.argv = {"sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", temp.string()},
              .stdin_data = PartitionTable()});
  RunChecked({.argv = {"mkfs.ext4", "-q", "-F", "-L", "INTERNAL", "-U", "6c697665-6368-6563-6b00-000000000001",
                       "-E", fmt::format("root_owner=0:0,offset={}", L::kExt4Offset), "-d",
                       (work.path() / "tree").string(), temp.string(), std::to_string(L::kExt4Bytes / 1024) + "k"},
              .extra_env = kEpoch});
  auto swap = work.path() / "swap.img";
  WriteFileAtomic(swap, "");
  fs::resize_file(swap, L::kSwapBytes);
  RunChecked({.argv = {"mkswap", "-L", "INTSWAP", "-U", "6c697665-6368-6563-6b00-000000000002", swap.string()}});
  CopyIntoImage(swap, temp, L::kSwapOffset);
  RunChecked({.argv = {"mkfs.vfat", "--invariant", "-i", "6c766368", "-n", "INTFAT", "--offset",
                       std::to_string(L::kFatOffset / kSector), temp.string(), std::to_string(L::kFatBytes / 1024)},
              .extra_env = kEpoch});
  auto known = work.path() / "KNOWN.TXT";
  WriteFileAtomic(known, "the suspect's FAT data\n");
  RunChecked({.argv = {"mcopy", "-i", fmt::format("{}@@{}", temp.string(), L::kFatOffset), known.string(), "::KNOWN.TXT"},
              .extra_env = kEpoch});
  // Linked, not renamed: when another livecheck made the image meanwhile, a
  // rename would replace the file its run is hashing (mkfs.ext4's hash seed
  // differs every time), and that run would see its internal disk change.
  std::error_code ec;
  fs::create_hard_link(temp, image, ec);
  if (ec && !fs::exists(image)) throw Error(DescribeIoError("create", image, ec.value()));
  return image;
}

}  // namespace livecheck
