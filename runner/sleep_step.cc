#include "runner/step_executor.h"

namespace livecheck {

asio::awaitable<void> SleepStep::Run(RunContext& ctx, const ScenarioStep& step) const {
  co_await Sleep(ctx, milliseconds(static_cast<int64_t>(step.seconds * 1000)));
}

}  // namespace livecheck
