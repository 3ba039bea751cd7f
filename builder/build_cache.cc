#include "builder/build_cache.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/sha256.h"

namespace livecheck {

std::string FileDigests::Get(const fs::path& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw Error(DescribeIoError("read", path, errno));
  auto id = fmt::format("{}\n{}\n{}.{}", path.string(), st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  {
    std::lock_guard lock(mutex_);
    if (auto it = digests_.find(id); it != digests_.end()) return it->second;
  }
  auto digest = Sha256File(path);
  std::lock_guard lock(mutex_);
  digests_[id] = digest;
  return digest;
}

void OnceMap::Run(const std::string& key, const std::function<void()>& work) {
  std::shared_future<void> future;
  std::promise<void> promise;
  bool owner = false;
  {
    std::lock_guard lock(mutex_);
    auto it = work_.find(key);
    if (it == work_.end()) {
      future = promise.get_future().share();
      work_[key] = future;
      owner = true;
    } else {
      future = it->second;
    }
  }
  if (owner) {
    try {
      work();
      promise.set_value();
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
  }
  future.get();
}

fs::path CachedStagePath(const fs::path& out_dir, const std::string& stage, const std::string& key,
                         const std::string& extension) {
  return out_dir / ".cache" / fmt::format("{}-{}{}", stage, key.substr(0, 32), extension);
}

}  // namespace livecheck
