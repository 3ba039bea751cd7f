#include "runner/run_scheduler.h"

#include <fmt/format.h>

#include "common/interrupt.h"
#include "evidence/checks.h"
#include "runner/retry_policy.h"
#include "runner/start_order.h"

namespace livecheck {

ScheduleOutcome RunAll(const std::vector<RunRequest>& requests, const RunOptions& options,
                       const ScheduleOptions& schedule) {
  ScheduleOutcome outcome;
  outcome.results.resize(requests.size());
  std::vector<bool> done(requests.size(), false);
  asio::io_context io;
  size_t next = 0, finished = 0;
  int workers = std::max(1, std::min<int>(schedule.jobs, static_cast<int>(requests.size())));
  const auto order = StartOrder(requests, workers);
  std::exception_ptr worker_failure;

  // The signal's watcher thread has already killed every VM (main.cc); the
  // runs notice their machine is gone. Here it is only said, on this thread.
  InterruptAction announce([&] {
    asio::post(io, [&] {
      if (schedule.progress)
        schedule.progress(fmt::format("interrupted by signal {}: stopping every VM", InterruptSignal()));
    });
  });

  auto worker = [&]() -> asio::awaitable<void> {
    while (!Interrupted() && next < requests.size()) {
      size_t index = order[next++];
      const auto& request = requests[index];
      if (schedule.progress) schedule.progress(fmt::format("[{}/{}] {}: started", index + 1, requests.size(), RunId(request)));
      if (schedule.on_start) schedule.on_start(RunId(request));
      std::vector<RunAttempt> earlier;
      auto attempt = request;
      auto result = co_await RunScenario(attempt, options);
      while (!Interrupted() && ShouldRetry(result, schedule.retry_errors)) {
        if (schedule.progress)
          schedule.progress(fmt::format("[{}/{}] {}: ERROR of the infrastructure ({}): attempt {} of {}", index + 1,
                                        requests.size(), RunId(request), result.error, attempt.attempt + 1,
                                        schedule.retry_errors + 1));
        earlier.push_back(AttemptOf(result));
        ++attempt.attempt;
        result = co_await RunScenario(attempt, options);
      }
      if (Interrupted() && result.status != Status::kPass) {
        result.status = Status::kError;
        result.error = "interrupted: " + result.error;
        result.error_cause = ErrorCause::kInfrastructure;
      }
      result = WithAttempts(std::move(result), std::move(earlier));
      if (schedule.on_finish) schedule.on_finish(RunId(request));
      outcome.results[index] = std::move(result);
      done[index] = true;
      ++finished;
      const auto& r = outcome.results[index];
      if (schedule.progress)
        schedule.progress(fmt::format("[{}/{}] {}: {}{} in {:.1f} s{}", finished, requests.size(), RunId(request),
                                      StatusName(r.status), r.flaky ? " (flaky infrastructure)" : "", r.wall_seconds,
                                      r.error.empty() ? "" : " (" + r.error + ")"));
    }
  };
  // RunScenario never throws; anything else that does is a bug, reported after the other runs.
  for (int i = 0; i < workers; ++i)
    asio::co_spawn(io, worker(), [&](std::exception_ptr e) {
      if (e) worker_failure = e;
    });
  io.run();
  if (worker_failure) std::rethrow_exception(worker_failure);
  outcome.interrupted = Interrupted();

  for (size_t i = 0; i < requests.size(); ++i) {
    if (done[i]) continue;
    auto& r = outcome.results[i];
    r.scenario = requests[i].scenario.name;
    r.variant = requests[i].manifest.variant;
    r.repetition = requests[i].repetition;
    r.status = Status::kError;
    r.error = "interrupted: not run";
    r.error_cause = ErrorCause::kInfrastructure;
    r.attempts = {AttemptOf(r)};
  }
  return outcome;
}

}  // namespace livecheck
