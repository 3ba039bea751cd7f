// Console output is untrusted: marker parsing must never crash or accept junk names.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/phase_marker.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view log(reinterpret_cast<const char*>(data), size);
  for (const auto& m : livecheck::ParsePhaseMarkers(log)) {
    for (char c : m.phase)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) __builtin_trap();
    if (m.guest_uptime < 0) __builtin_trap();
  }
  return 0;
}
