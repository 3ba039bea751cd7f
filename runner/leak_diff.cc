#include "runner/leak_diff.h"

#include <future>

#include <fmt/format.h>

namespace livecheck {
namespace {

// libguestfs blocks for seconds: it runs on its own thread while this
// coroutine (and every other VM's) keeps going.
asio::awaitable<DiskDiff> DiffInBackground(asio::steady_timer& timer, fs::path image, fs::path overlay) {
  auto future = std::async(std::launch::async, [=] { return DiffDisks(image, "raw", overlay, "qcow2"); });
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    timer.expires_after(milliseconds(200));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return future.get();
}

}  // namespace

asio::awaitable<std::map<std::string, DiskDiff>> DiffWrittenDisks(RunContext& ctx,
                                                                  const std::vector<DiskEvidence>& disks) {
  std::map<std::string, DiskDiff> diffs;
  for (const auto& d : disks) {
    if (d.wr_bytes == 0 && d.overlay_allocated_bytes == 0) continue;
    for (const auto& file : ctx.session.DiskFiles())
      if (file.drive == d.drive && file.overlay) diffs[d.drive] = co_await DiffInBackground(ctx.timer, d.image, file.path);
  }
  co_return diffs;
}

void AddFileChanges(CheckResult& check, const std::map<std::string, DiskDiff>& diffs, const std::string& only_drive) {
  if (check.status != Status::kFail) return;
  for (const auto& [drive, diff] : diffs) {
    if (!only_drive.empty() && drive != only_drive) continue;
    if (!check.evidence.is_object()) check.evidence = {{"disks", check.evidence}};
    check.evidence["file_changes"][drive] = ToJson(diff);
    check.summary += fmt::format("; {}: {}", drive, SummarizeDiff(diff));
  }
}

}  // namespace livecheck
