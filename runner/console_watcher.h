#pragma once
// The console log of a running VM, read as it grows: when each phase marker
// first appeared (host time), whether the kernel panicked, and for media
// without markers when the console first matched the ready pattern.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/check_result.h"
#include "common/guest_pattern.h"

namespace livecheck {

namespace fs = std::filesystem;

/// The part of a console line that says the guest gave up booting (dracut's
/// "FATAL:", the kernel's "System halted", live-boot's medium not found),
/// or "" for any other line.
std::string_view GaveUpLine(std::string_view line);

struct ConsoleWatcher {
  using Clock = std::chrono::steady_clock;
  fs::path log;
  Clock::time_point start;  ///< QEMU start: phases' host seconds count from here
  std::function<void(const std::string&)> on_marker;
  std::vector<PhaseTiming> phases;
  std::string kernel_panic;                 ///< the panic line, once the guest kernel printed one
  /// The first line saying the guest gave up booting without a panic (an
  /// initramfs' fatal error, a halted system): nothing more will happen.
  std::string gave_up;
  std::optional<GuestPattern> ready_pattern;  ///< media without markers: "ready" when the console matches
  /// The kernel's storage lines the console showed (common/storage_kernel_log.h),
  /// at most kMaxConsoleStorageLines: the mount trace when no agent answers.
  std::vector<std::string> storage_lines;
  static constexpr size_t kMaxConsoleStorageLines = 2000;

  /// Reads what the log gained since the last call (at most 1 MiB).
  void Poll();
  bool Seen(const std::string& phase) const;
  /// Notes a phase the harness itself observed (agent-ready, shell-ready).
  void Note(const std::string& phase, double guest_seconds, double host_seconds);

 private:
  void NoteReady(std::string_view text, double now);
  size_t parsed_bytes_ = 0;
  std::string pending_;
};

}  // namespace livecheck
