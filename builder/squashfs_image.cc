#include "builder/squashfs_image.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"

namespace livecheck {

std::vector<std::string> MksquashfsCommand(const SquashfsSpec& spec, const fs::path& out,
                                           const fs::path& exclude_file) {
  std::vector<std::string> argv = {"mksquashfs", spec.source_dir.string(), out.string(),
                                   // Extended attributes stay: file capabilities (ping's
                                   // cap_net_raw) live there.
                                   "-noappend", "-xattrs", "-quiet", "-no-progress",
                                   "-comp", std::string(Name(spec.compressor)),
                                   "-mkfs-time", std::to_string(spec.epoch)};
  if (spec.clamp_file_times) {
    argv.push_back("-all-time");
    argv.push_back(std::to_string(spec.epoch));
  }
  if (spec.all_root) argv.push_back("-all-root");
  if (!exclude_file.empty()) {
    argv.push_back("-ef");
    argv.push_back(exclude_file.string());
  }
  return argv;
}

namespace {

// Reports the growing image every progress_seconds until destroyed.
class SquashfsProgress {
 public:
  SquashfsProgress(const SquashfsSpec& spec, fs::path image) : image_(std::move(image)) {
    if (spec.progress)
      thread_ = std::thread([this, report = spec.progress, every = spec.progress_seconds] { Watch(report, every); });
  }
  ~SquashfsProgress() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Watch(const std::function<void(const std::string&)>& report, double every) {
    auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::duration<double>(every), [this] { return done_; })) {
      std::error_code ec;
      auto bytes = fs::file_size(image_, ec);
      auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      report(fmt::format("squashfs: {:.0f} s, {:.1f} MiB written", seconds, ec ? 0.0 : static_cast<double>(bytes) / (1 << 20)));
    }
  }

  fs::path image_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

void BuildSquashfs(const SquashfsSpec& spec, const fs::path& out) {
  fs::path temp = out;
  temp += fmt::format(".tmp{}", getpid());
  fs::path exclude_file;
  if (!spec.excluded_paths.empty()) {
    // mksquashfs takes absolute exclude paths literally; our ExcludeList
    // already decided which entries go, so mksquashfs only carries it out.
    exclude_file = out;
    exclude_file += ".exclude";
    std::string text;
    for (const auto& p : spec.excluded_paths) text += p.string() + "\n";
    WriteFileAtomic(exclude_file, text);
  }
  try {
    SquashfsProgress progress(spec, temp);
    RunChecked({.argv = MksquashfsCommand(spec, temp, exclude_file)});
  } catch (...) {
    fs::remove(temp);
    if (!exclude_file.empty()) fs::remove(exclude_file);
    throw;
  }
  if (!exclude_file.empty()) fs::remove(exclude_file);
  fs::rename(temp, out);
}

}  // namespace livecheck
