#include "runner/console_watcher.h"

#include "common/storage_kernel_log.h"

#include <algorithm>

#include "channels/shell_transcript.h"
#include "common/file_util.h"
#include "common/phase_marker.h"

namespace livecheck {

std::string_view GaveUpLine(std::string_view line) {
  // live-boot prints its reason indented after "live-boot will now start a
  // shell. The error message was:", then waits in that shell for ever.
  for (std::string_view what :
       {"dracut: FATAL: ", "reboot: System halted", "Unable to find a medium containing a live file system"})
    if (auto at = line.find(what); at != std::string_view::npos) return line.substr(at, 200);
  return {};
}

void ConsoleWatcher::Poll() {
  // Only the bytes added since the last poll, at most 1 MiB at a time: a
  // chatty guest costs the same per poll however long its log grows.
  std::string added = ReadFileFrom(log, parsed_bytes_, 1 << 20);
  if (added.empty()) return;
  pending_ += added;
  parsed_bytes_ += added.size();
  double now = std::chrono::duration<double>(Clock::now() - start).count();
  size_t newline;
  while ((newline = pending_.find('\n')) != std::string::npos) {
    std::string_view line = std::string_view(pending_).substr(0, newline);
    if (auto m = ParsePhaseMarker(line)) {
      phases.push_back({m->phase, m->guest_uptime, now});
      if (on_marker) on_marker(m->phase);
    }
    // A panicked kernel never reaches the next phase: say so at once
    // instead of after the scenario's timeout.
    if (auto at = line.find("Kernel panic - not syncing"); at != std::string_view::npos && kernel_panic.empty())
      kernel_panic = std::string(line.substr(at, 200));
    if (gave_up.empty()) gave_up = std::string(GaveUpLine(line));
    NoteReady(line, now);
    if (storage_lines.size() < kMaxConsoleStorageLines)
      for (auto& s : StorageKernelMessages(line, 1)) storage_lines.push_back(std::move(s));
    pending_.erase(0, newline + 1);
  }
  NoteReady(pending_, now);  // a prompt has no newline yet
  // A guest that prints without newlines must not grow this forever.
  if (pending_.size() > 4096) pending_.clear();
}

void ConsoleWatcher::NoteReady(std::string_view text, double now) {
  if (!ready_pattern || Seen("ready")) return;
  // The line's end only: a prompt is short.
  if (text.size() > 512) text = text.substr(text.size() - 512);
  if (!ready_pattern->Found(CleanConsoleText(text))) return;
  Note("ready", -1, now);  // no markers, so no guest clock: host time only
}

bool ConsoleWatcher::Seen(const std::string& phase) const {
  return std::any_of(phases.begin(), phases.end(), [&](const PhaseTiming& p) { return p.phase == phase; });
}

void ConsoleWatcher::Note(const std::string& phase, double guest_seconds, double host_seconds) {
  phases.push_back({phase, guest_seconds, host_seconds});
  if (on_marker) on_marker(phase);
}

}  // namespace livecheck
