#include "machine/ovmf_vars.h"

#include <chrono>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/guest_pattern.h"
#include "common/interrupt.h"
#include "common/sha256.h"
#include "machine/qemu_args.h"
#include "machine/qemu_process.h"

namespace livecheck {
namespace {

using Clock = std::chrono::steady_clock;

// OVMF reaches its boot manager in ~4 s under TCG here; a firmware that
// takes this long is broken, and runs then start from the template.
constexpr std::chrono::seconds kSeedBootTimeout{120};

// Keyed by both files: another OVMF build formats its store differently.
fs::path SeedFile(const fs::path& cache_dir, const fs::path& code, const fs::path& vars_template) {
  return cache_dir /
         fmt::format("ovmf-vars-{}-{}.fd", Sha256File(code).substr(0, 12), Sha256File(vars_template).substr(0, 12));
}

bool SameSize(const fs::path& a, const fs::path& b) {
  std::error_code ec1, ec2;
  auto sa = fs::file_size(a, ec1);
  auto sb = fs::file_size(b, ec2);
  return !ec1 && !ec2 && sa == sb;
}

// Boots the firmware alone on a copy of the template in `dir` until its
// boot manager speaks; returns the written store, or throws Error.
fs::path SeedBoot(const std::string& accel, const fs::path& code, const fs::path& vars_template, const fs::path& dir) {
  MachineDescription m{.boot = BootMode::kUefiUsb, .accel = accel, .memory_mb = 512, .ovmf_code = code,
                       .ovmf_vars = dir / "vars.fd", .serial_log = dir / "console.log"};
  ReplaceWithCopy(vars_template, m.ovmf_vars);
  QemuProcess qemu(m, dir / "qemu.log");
  auto wait = WaitForConsole(qemu, m.serial_log, OvmfReachedBootManager, kSeedBootTimeout);
  ThrowIfInterrupted();  // Ctrl-C kills QEMU, which ends the wait
  if (wait.found) {
    qemu.Kill();  // its flash writes went to the file as the guest made them
    return m.ovmf_vars;
  }
  if (!wait.qemu_exited)
    throw Error(fmt::format("the firmware did not reach its boot manager within {} s", kSeedBootTimeout.count()));
  std::error_code ec;
  std::string output = fs::exists(dir / "qemu.log", ec) ? ReadFile(dir / "qemu.log") : "";
  throw Error(fmt::format("the firmware stopped before its boot manager: {}",
                          LastLineForSummary(wait.log.empty() ? output : wait.log)));
}

}  // namespace

bool OvmfReachedBootManager(std::string_view console) { return console.find("BdsDxe: ") != std::string_view::npos; }

OvmfVars PrepareOvmfVars(const std::string& accel, const fs::path& cache_dir, const fs::path& code,
                         const fs::path& vars_template) {
  OvmfVars fallback{.path = vars_template};
  try {
    auto seed = SeedFile(cache_dir, code, vars_template);
    if (SameSize(seed, vars_template)) return {.path = seed, .seeded = true, .source = "cached " + seed.string()};
    fs::create_directories(cache_dir);
    // Two runs starting together may both seed; each renames a whole file
    // into place, so either result is a complete store.
    TempDir dir(cache_dir, ".ovmf-vars-");
    auto start = Clock::now();
    auto written = SeedBoot(accel, code, vars_template, dir.path());
    if (!SameSize(written, vars_template)) throw Error("the firmware changed its store's size");
    if (ReadFile(written) == ReadFile(vars_template)) throw Error("the firmware wrote nothing to its store");
    fs::rename(written, seed);
    return {.path = seed, .seeded = true,
            .source = fmt::format("made in {:.1f} s by one firmware boot, cached as {}",
                                  std::chrono::duration<double>(Clock::now() - start).count(), seed.string())};
  } catch (const Error& e) {
    if (Interrupted()) throw;
    fallback.source = fmt::format("the pristine template ({})", e.what());
  } catch (const fs::filesystem_error& e) {
    fallback.source = fmt::format("the pristine template ({})", e.what());
  }
  return fallback;
}

}  // namespace livecheck
