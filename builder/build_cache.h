#pragma once
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <string>

namespace livecheck {

namespace fs = std::filesystem;

/// Digests of input files, computed once per build even when many variants
/// share them (the kernel, busybox, modules). Keyed by path, size and mtime.
class FileDigests {
 public:
  std::string Get(const fs::path& path);

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> digests_;
};

/// Runs each keyed piece of work once per process; concurrent callers with
/// the same key wait for the first and share its outcome (or its error).
class OnceMap {
 public:
  void Run(const std::string& key, const std::function<void()>& work);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_future<void>> work_;
};

/// The content-addressed stage cache under DIR/.cache: "<stage>-<key><ext>".
fs::path CachedStagePath(const fs::path& out_dir, const std::string& stage, const std::string& key,
                         const std::string& extension);

}  // namespace livecheck
