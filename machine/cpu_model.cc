#include "machine/cpu_model.h"

#include <sstream>

#include <fmt/format.h>

#include "common/error.h"
#include "common/process.h"

namespace livecheck {

// `max` under TCG advertises AES-NI, PCLMUL, AVX2, SVM and the like: udev
// then loads the modules for them at coldplug, each running its crypto
// self-tests on emulated vector units. Debian's live ISO reached its login
// prompt in 117.7 s with `max` and in 73.2 s with kTcgCpu (bare QEMU, same
// stick); livecheck's busybox root loads no such modules and boots as fast
// either way. Under KVM, `max` would mean the host CPU, which aborts on
// these machines (MSR 0x10a).
std::string CpuModelFor(const std::string& accel, const std::string& chosen) {
  if (!chosen.empty()) return chosen;
  return accel == "kvm" ? "qemu64" : kTcgCpu;
}

std::string CpuModelName(std::string_view spec) { return std::string(spec.substr(0, spec.find(','))); }

// "x86 Nehalem-v1  Intel Core i7 9xx (Nehalem Class Core i7)": the second
// word of every line that starts with "x86 ".
std::set<std::string> CpuModelsFromHelp(std::string_view help) {
  std::set<std::string> models;
  std::istringstream lines{std::string(help)};
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string arch, model;
    if (words >> arch >> model && arch == "x86") models.insert(model);
  }
  return models;
}

void CheckCpuModel(const std::string& spec) {
  auto name = CpuModelName(spec);
  if (name.empty() || spec.find_first_of(" \t\n") != std::string::npos)
    throw Error(fmt::format("--cpu '{}': not a QEMU CPU model (e.g. max, Nehalem, qemu64,+avx2)", spec));
  auto help = RunProcess({.argv = {"qemu-system-x86_64", "-cpu", "help"}, .timeout = std::chrono::seconds(30)});
  auto models = CpuModelsFromHelp(help.out);
  if (help.exit_code == 0 && !models.empty() && !models.count(name))
    throw Error(fmt::format("--cpu '{}': this QEMU has no CPU model '{}' (see qemu-system-x86_64 -cpu help)", spec, name));
}

}  // namespace livecheck
