#include <fmt/format.h>

#include "channels/shell_transcript.h"
#include "common/error.h"
#include "common/file_util.h"
#include "evidence/console_pattern_check.h"
#include "common/guest_pattern.h"
#include "runner/console_scan.h"
#include "runner/step_executor.h"

namespace livecheck {
namespace {

constexpr size_t kConsoleChunk = 1 << 20;

// The verdict, built outside the coroutine (GCC 12 miscompiles some JSON
// initialisers inside coroutine bodies).
CheckResult ConsoleVerdict(const ScenarioStep& step, milliseconds waited, const ConsoleWaitSeen& seen) {
  return CheckConsolePattern(ConsolePatternEvidence(step.arg, static_cast<double>(waited.count()) / 1000, seen));
}

// The console's last non-empty line, whatever the steps before consumed.
std::string LastConsoleLine(const fs::path& log) {
  constexpr uint64_t kTail = 4096;
  std::error_code ec;
  uint64_t size = fs::file_size(log, ec);
  if (ec) return "";
  return LastLineForSummary(CleanConsoleText(ReadFileFrom(log, size > kTail ? size - kTail : 0, kTail)));
}

}  // namespace

asio::awaitable<void> WaitConsoleStep::Run(RunContext& ctx, const ScenarioStep& step) const {
  auto name = ConsolePatternCheckName(step.arg);
  ctx.Announce(name);
  GuestPattern pattern(step.arg);  // the scenario's parser accepted it
  // The guest's speed decides when a line shows, so the wait scales like
  // every other host-side timeout.
  auto waited = ctx.Scaled(milliseconds(static_cast<int64_t>(step.seconds * 1000)));
  auto until = RunContext::Clock::now() + waited;
  ConsoleWaitSeen seen;
  while (true) {
    ctx.console.Poll();
    std::string raw = ReadFileFrom(ctx.console.log, ctx.console_cursor, kConsoleChunk);
    auto scan = ScanConsole(raw, pattern, raw.size() == kConsoleChunk);
    ctx.console_cursor += scan.consumed;
    if (scan.line) {
      seen.line = *scan.line;
      // Lines carry no time of their own: this is when livecheck saw it,
      // at most one poll after it was printed once the step is waiting.
      seen.host_seconds = ctx.HostSeconds();
      break;
    }
    auto now = RunContext::Clock::now();
    if (raw.size() == kConsoleChunk && now < until && now < ctx.deadline) continue;  // more already written
    if (auto why = WhyTheGuestCannotGoOn(ctx, name); !why.empty()) {
      seen.stopped = why;
      break;
    }
    if (now >= ctx.deadline)
      throw Error(fmt::format("timed out waiting for a console line matching /{}/ ({})", step.arg, step.where));
    if (now >= until) break;
    co_await Sleep(ctx, milliseconds(100));
  }
  if (seen.line.empty()) seen.last_line = LastConsoleLine(ctx.console.log);
  ctx.result.checks.push_back(ConsoleVerdict(step, waited, seen));
  co_return;  // cppcheck 2.10 takes a coroutine without one for a function missing its return
}

}  // namespace livecheck
