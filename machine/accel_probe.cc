#include "machine/accel_probe.h"

#include <fcntl.h>
#include <cstdlib>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/interrupt.h"
#include "common/json_fields.h"
#include "machine/qemu_args.h"
#include "machine/qemu_process.h"

namespace livecheck {
namespace {

bool KvmDeviceOpens() {
  int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

}  // namespace

fs::path HostCacheDir(const fs::path& fallback) {
  auto set = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value && *value ? value : "";
  };
  if (auto dir = set("LIVECHECK_CACHE_DIR"); !dir.empty()) return dir;
  if (auto dir = set("XDG_CACHE_HOME"); !dir.empty()) return fs::path(dir) / "livecheck/host";
  if (auto dir = set("HOME"); !dir.empty()) return fs::path(dir) / ".cache/livecheck/host";
  return fallback;
}

std::string HostBootId() {
  std::error_code ec;
  if (!fs::exists("/proc/sys/kernel/random/boot_id", ec)) return "unknown";
  auto id = ReadFile("/proc/sys/kernel/random/boot_id");
  while (!id.empty() && id.back() == '\n') id.pop_back();
  return id;
}

AccelChoice ChooseAccel(const std::string& requested, const fs::path& kernel, const fs::path& initrd,
                        const fs::path& cache_dir, double probe_seconds) {
  if (requested == "tcg") return {"tcg", "requested with --accel tcg"};
  if (requested == "kvm") {
    if (!KvmDeviceOpens()) throw Error("--accel kvm: /dev/kvm cannot be opened", kExitEnvironment);
    return {"kvm", "requested with --accel kvm"};
  }
  if (!KvmDeviceOpens()) return {"tcg", "no usable /dev/kvm"};

  auto cache = cache_dir / ("accel-probe-" + HostBootId() + ".json");
  std::error_code ec;
  if (fs::exists(cache, ec)) {
    auto cached = nlohmann::json::parse(ReadFile(cache), nullptr, false);
    auto accel = StringField(cached, "accel");
    if (accel == "kvm" || accel == "tcg") return {accel, StringField(cached, "reason") + " (cached for this host boot)"};
  }
  TempDir dir(fs::temp_directory_path(), "livecheck-probe-");
  MachineDescription m{.accel = "kvm", .memory_mb = 256, .kernel = kernel, .initrd = initrd,
                       .append = "console=ttyS0 panic=-1 live.wait=1", .serial_log = dir.path() / "console.log"};
  AccelChoice choice;
  {
    QemuProcess qemu(m, dir.path() / "qemu.log");
    auto wait = WaitForPhase(qemu, m.serial_log, "init",
                             std::chrono::milliseconds(static_cast<int64_t>(probe_seconds * 1000)));
    // A probe cut short by Ctrl-C says nothing about KVM: do not cache it.
    ThrowIfInterrupted();
    choice = wait.found ? AccelChoice{"kvm", "KVM probe: a guest reached /init under KVM"}
                        : AccelChoice{"tcg", fmt::format("KVM probe: /dev/kvm opens but a guest did not reach /init "
                                                         "within {:.0f} s; using TCG",
                                                         probe_seconds)};
  }
  fs::create_directories(cache_dir, ec);
  WriteFileAtomic(cache, nlohmann::json{{"accel", choice.accel}, {"reason", choice.reason}}.dump());
  return choice;
}

}  // namespace livecheck
