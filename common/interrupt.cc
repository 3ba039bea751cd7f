#include "common/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "common/error.h"

namespace livecheck {
namespace {

std::atomic<int> first_signal{0};
std::atomic<int> signals_seen{0};
int wake_pipe[2] = {-1, -1};

struct Registered {
  std::function<void()> action;
  bool ran = false;
};

// Held while actions run, so an InterruptAction cannot die under its action.
std::mutex actions_mutex;
std::map<int, Registered> actions;
int next_id = 0;

// Async-signal-safe only: atomics and write(2).
void OnSignal(int signal) {
  int none = 0;
  first_signal.compare_exchange_strong(none, signal);
  signals_seen.fetch_add(1);
  char byte = 1;
  ssize_t written = write(wake_pipe[1], &byte, 1);
  (void)written;  // the pipe is non-blocking: a full pipe is already a wake-up
}

void RunPendingActions(bool again) {
  std::lock_guard lock(actions_mutex);
  for (auto& [id, entry] : actions) {
    if (entry.ran && !again) continue;
    entry.ran = true;
    entry.action();
  }
}

void WatchSignals() {
  while (true) {
    char byte;
    ssize_t n = read(wake_pipe[0], &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bool insisted = signals_seen.load() > 1;
    RunPendingActions(insisted);
    // A second Ctrl-C means "now": the processes are killed, unwinding is skipped.
    if (insisted) _exit(kExitInterrupted);
  }
}

}  // namespace

void InstallInterruptHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw Error("cannot create the signal pipe", kExitEnvironment);
    // The watcher blocks on its end; only the handler's end must never block.
    fcntl(wake_pipe[0], F_SETFL, 0);
    std::thread(WatchSignals).detach();
    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    // SA_RESTART: library code need not expect EINTR; our own waits poll Interrupted().
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
  });
}

bool Interrupted() { return first_signal.load() != 0; }

int InterruptSignal() { return first_signal.load(); }

void ThrowIfInterrupted() {
  if (int signal = InterruptSignal(); signal != 0)
    throw Error(fmt::format("interrupted by signal {}", signal), kExitInterrupted);
}

InterruptAction::InterruptAction(std::function<void()> action) {
  std::lock_guard lock(actions_mutex);
  id_ = next_id++;
  bool now = Interrupted();
  if (now) action();
  actions[id_] = {std::move(action), now};
}

InterruptAction::~InterruptAction() {
  std::lock_guard lock(actions_mutex);
  actions.erase(id_);
}

void ResetInterruptForTesting() {
  std::lock_guard lock(actions_mutex);
  first_signal.store(0);
  signals_seen.store(0);
  for (auto& [id, entry] : actions) entry.ran = false;
}

}  // namespace livecheck
