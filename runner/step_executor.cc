#include "runner/step_executor.h"

namespace livecheck {

const StepExecutor& ExecutorFor(ScenarioStep::Kind kind) {
  static const WaitStep wait;
  static const CheckStep check;
  static const UnplugStep unplug;
  static const SleepStep sleep;
  static const PoweroffStep poweroff;
  static const WorkloadStep workload;
  static const RunStep run;
  static const WaitConsoleStep wait_console;
  switch (kind) {
    case ScenarioStep::Kind::kWait: return wait;
    case ScenarioStep::Kind::kCheck: return check;
    case ScenarioStep::Kind::kUnplug: return unplug;
    case ScenarioStep::Kind::kSleep: return sleep;
    case ScenarioStep::Kind::kPoweroff: return poweroff;
    case ScenarioStep::Kind::kWorkload: return workload;
    case ScenarioStep::Kind::kRun: return run;
    case ScenarioStep::Kind::kWaitConsole: return wait_console;
  }
  return wait;
}

}  // namespace livecheck
