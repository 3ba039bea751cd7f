#include "harness/internal_disk.h"

#include <unistd.h>

#include <fmt/format.h>

#include "common/file_util.h"
#include "common/process.h"

namespace livecheck {

fs::path EnsureInternalDiskImage(const fs::path& cache_dir) {
  auto image = cache_dir / "internal-ext4-v1.img";
  if (fs::exists(image)) return image;
  fs::create_directories(cache_dir);
  TempDir work(cache_dir, ".internal-");
  fs::create_directories(work.path() / "tree");
  WriteFileAtomic(work.path() / "tree/known-file.txt", "the suspect's data: must never change\n");
  auto temp = work.path() / "disk.img";
  RunChecked({.argv = {"mkfs.ext4", "-q", "-F", "-L", "INTERNAL", "-U", "6c697665-6368-6563-6b00-000000000001",
                       "-E", "root_owner=0:0", "-d", (work.path() / "tree").string(), temp.string(),
                       std::to_string(kInternalDiskBytes / 1024) + "k"},
              .extra_env = {{"E2FSPROGS_FAKE_TIME", "1700000000"}}});
  fs::rename(temp, image);
  return image;
}

}  // namespace livecheck
