#pragma once
// The executors of a scenario's steps, one per kind of step. Each reaches
// the guest only through the run's GuestAccess and the machine only through
// its MachineControl, so no executor branches on the backend or on how the
// guest is reached.
#include <boost/asio.hpp>

#include "runner/run_context.h"
#include "runner/scenario.h"

namespace livecheck {

class StepExecutor {
 public:
  virtual ~StepExecutor() = default;
  virtual asio::awaitable<void> Run(RunContext& ctx, const ScenarioStep& step) const = 0;
};

/// `wait = PHASE`: a console marker, or until the guest access answers.
class WaitStep : public StepExecutor {
 public:
  asio::awaitable<void> Run(RunContext& ctx, const ScenarioStep& step) const override;
};

/// `check = NAME`: guest checks are decided now; host checks (and the
/// canary's scan) after the VM stopped, on the whole session.
class CheckStep : public StepExecutor {
 public:
  asio::awaitable<void> Run(RunContext& ctx, const ScenarioStep& step) const override;
};

/// `unplug = "stick"`.
class UnplugStep : public StepExecutor {
 public:
  asio::awaitable<void> Run(RunContext& ctx, const ScenarioStep& step) const override;
};

/// `sleep = SECONDS`.
class SleepStep : public StepExecutor {
 public:
  asio::awaitable<void> Run(RunContext& ctx, const ScenarioStep& step) const override;
};

/// `poweroff = true`.
class PoweroffStep : public StepExecutor {
 public:
  asio::awaitable<void> Run(RunContext& ctx, const ScenarioStep& step) const override;
};

/// `workload = NAME`: a bench workload in the guest, its figure kept.
class WorkloadStep : public StepExecutor {
 public:
  asio::awaitable<void> Run(RunContext& ctx, const ScenarioStep& step) const override;
};

/// `run = COMMAND`: the user's command in the booted system, judged by its
/// exit status and output (evidence/command_check.h).
class RunStep : public StepExecutor {
 public:
  asio::awaitable<void> Run(RunContext& ctx, const ScenarioStep& step) const override;
};

/// `wait_console = PATTERN`: waits for a console line the pattern matches,
/// searched from where the previous one matched; its verdict is a check
/// (evidence/console_pattern_check.h), FAIL when the wait timed out.
class WaitConsoleStep : public StepExecutor {
 public:
  asio::awaitable<void> Run(RunContext& ctx, const ScenarioStep& step) const override;
};

/// The executor of a kind of step.
const StepExecutor& ExecutorFor(ScenarioStep::Kind kind);

}  // namespace livecheck
