#include "harness/run_scheduler.h"

#include <csignal>

#include <fmt/format.h>

#include "harness/checks.h"
#include "harness/libvirt_domain.h"
#include "harness/qemu_process.h"

namespace livecheck {

ScheduleOutcome RunAll(const std::vector<RunRequest>& requests, const RunOptions& options,
                       const ScheduleOptions& schedule) {
  ScheduleOutcome outcome;
  outcome.results.resize(requests.size());
  std::vector<bool> done(requests.size(), false);
  asio::io_context io;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  size_t next = 0, finished = 0;
  int workers_left = std::max(1, std::min<int>(schedule.jobs, static_cast<int>(requests.size())));

  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    outcome.interrupted = true;
    if (schedule.progress) schedule.progress(fmt::format("interrupted by signal {}: stopping every VM", signal));
    KillAllQemu();
    DestroyAllDomains();
  });

  auto worker = [&]() -> asio::awaitable<void> {
    while (!outcome.interrupted && next < requests.size()) {
      size_t index = next++;
      const auto& request = requests[index];
      if (schedule.progress) schedule.progress(fmt::format("[{}/{}] {}: started", index + 1, requests.size(), RunId(request)));
      if (schedule.on_start) schedule.on_start(RunId(request));
      auto result = co_await RunScenario(request, options);
      if (schedule.on_finish) schedule.on_finish(RunId(request));
      if (outcome.interrupted && result.status != Status::kPass) {
        result.status = Status::kError;
        result.error = "interrupted: " + result.error;
      }
      outcome.results[index] = std::move(result);
      done[index] = true;
      ++finished;
      const auto& r = outcome.results[index];
      if (schedule.progress)
        schedule.progress(fmt::format("[{}/{}] {}: {} in {:.1f} s{}", finished, requests.size(), RunId(request),
                                      StatusName(r.status), r.wall_seconds, r.error.empty() ? "" : " (" + r.error + ")"));
    }
  };
  for (int i = 0; i < workers_left; ++i)
    asio::co_spawn(io, worker(), [&](std::exception_ptr) {
      // RunScenario never throws; a worker ending is only bookkeeping.
      if (--workers_left == 0) signals.cancel();
    });
  io.run();

  for (size_t i = 0; i < requests.size(); ++i) {
    if (done[i]) continue;
    auto& r = outcome.results[i];
    r.scenario = requests[i].scenario.name;
    r.variant = requests[i].manifest.variant;
    r.repetition = requests[i].repetition;
    r.status = Status::kError;
    r.error = "interrupted: not run";
  }
  return outcome;
}

}  // namespace livecheck
