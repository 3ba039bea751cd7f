// The scenario TOML loader: any text gives a scenario or located errors.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runner/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto result = livecheck::ParseScenario(std::string_view(reinterpret_cast<const char*>(data), size), "/fuzz/s.toml");
  for (const auto& e : result.errors)
    if (e.rfind("/fuzz/s.toml", 0) != 0) __builtin_trap();
  (void)livecheck::ScenarioChecks(result.scenario);
  return 0;
}
