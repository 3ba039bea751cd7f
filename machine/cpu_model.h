#pragma once
// The guest CPU QEMU emulates (-cpu): livecheck's default per accelerator,
// and a user's choice (--cpu) checked against what this QEMU knows.
#include <set>
#include <string>
#include <string_view>

namespace livecheck {

/// Under TCG: x86-64-v2 (what RHEL 9 and its rebuilds require; Debian,
/// Ubuntu, Fedora, Tails and Kali need only the baseline) and nothing more.
inline constexpr const char* kTcgCpu = "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt";

/// The -cpu value for a run: `chosen` when given, else the default for `accel`.
std::string CpuModelFor(const std::string& accel, const std::string& chosen);

/// The model named by a -cpu value ("max,+avx2" -> "max").
std::string CpuModelName(std::string_view spec);

/// Model names in the output of `qemu-system-x86_64 -cpu help`.
std::set<std::string> CpuModelsFromHelp(std::string_view help);

/// Throws Error (bad input) when this host's QEMU has no such model.
void CheckCpuModel(const std::string& spec);

}  // namespace livecheck
