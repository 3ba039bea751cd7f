#include "machine/host_reference.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "builder/bootloader_config.h"
#include "builder/cpio_archive.h"
#include "builder/guest_kernel.h"
#include "builder/rootfs.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/guest_pattern.h"
#include "common/interrupt.h"
#include "common/json_fields.h"
#include "common/sha256.h"
#include "common/phase_marker.h"
#include "common/statistics.h"
#include "machine/accel_probe.h"
#include "machine/qemu_args.h"
#include "machine/qemu_process.h"

namespace livecheck {
namespace {

using Clock = std::chrono::steady_clock;

// Prints the same marker line as livecheck's live init, then powers off: the
// time to it is the kernel's own boot and nothing of any image.
constexpr const char* kCalibrationInit =
    "#!/bin/sh\n"
    "mount -t proc proc /proc\n"
    "read -r up _ < /proc/uptime\n"
    "echo \"@@livecheck phase=init t=$up\" > /dev/console\n"
    "poweroff -f\n";

constexpr std::chrono::hours kReferenceCacheLifetime{1};

// A boot that takes longer than this is no reference but a broken host.
constexpr std::chrono::seconds kCalibrationTimeout{180};

// Uncompressed: the kernel unpacks it in no measurable time.
fs::path WriteCalibrationInitramfs(const fs::path& dir) {
  FileTree tree;
  tree.AddFile("bin/busybox", BusyboxPath());
  for (const char* applet : {"sh", "mount", "poweroff"}) tree.AddSymlink(std::string("bin/") + applet, "busybox");
  tree.AddText("init", kCalibrationInit, 0755);
  tree.AddDirectory("proc");
  tree.AddCharDevice("dev/console", 5, 1, 0600);
  auto out = dir / "calibration.cpio";
  WriteCpioArchive(tree, out, CpioCompression::kNone, 0);
  return out;
}

struct Sample {
  double guest = -1, host = -1;
  std::string failure;  ///< why there is no sample
};

// One calibration VM being watched.
struct CalibrationVm {
  fs::path console;
  std::unique_ptr<QemuProcess> qemu;
  Sample sample;
  bool done = false;
};

// Whether the VM is finished; notes its sample or failure. Whether QEMU is
// gone is asked before the log is read: the marker's line and the
// power-off can fall between two polls.
bool PollVm(CalibrationVm& vm, Clock::time_point start, const fs::path& qemu_log) {
  std::error_code ec;
  bool exited = vm.qemu->WaitExit(std::chrono::milliseconds(0)).has_value();
  std::string log = fs::exists(vm.console, ec) ? ReadFile(vm.console) : "";
  for (const auto& marker : ParsePhaseMarkers(log))
    if (marker.phase == "init") {
      vm.sample = {marker.guest_uptime, std::chrono::duration<double>(Clock::now() - start).count(), ""};
      return true;
    }
  if (!exited) return false;
  std::string output = fs::exists(qemu_log, ec) ? ReadFile(qemu_log) : "";
  vm.sample.failure = fmt::format("the guest stopped before /init: {}", LastLineForSummary(log.empty() ? output : log));
  return true;
}

// `parallel` boots at once, as many as the runs will have: a VM shares the
// host with as many others as it will during the run, so the reference is
// the speed a run's VM actually gets. The console is polled often, since the
// host figure is a few seconds and the usual 100 ms polling would blur it.
std::vector<Sample> BootRound(const std::string& accel, const fs::path& kernel, const fs::path& initrd,
                              const fs::path& dir, int parallel) {
  std::vector<CalibrationVm> vms(parallel);
  auto start = Clock::now();
  for (int i = 0; i < parallel; ++i) {
    MachineDescription m{.accel = accel, .memory_mb = 256, .kernel = kernel, .initrd = initrd,
                         .append = ReferenceCommandLine(), .serial_log = dir / fmt::format("console-{}.log", i)};
    std::error_code ec;
    fs::remove(m.serial_log, ec);
    vms[i].console = m.serial_log;
    vms[i].qemu = std::make_unique<QemuProcess>(m, dir / fmt::format("qemu-{}.log", i));
  }
  size_t done = 0;
  while (done < vms.size() && Clock::now() - start < kCalibrationTimeout) {
    ThrowIfInterrupted();
    for (size_t i = 0; i < vms.size(); ++i)
      if (!vms[i].done && PollVm(vms[i], start, dir / fmt::format("qemu-{}.log", i))) {
        vms[i].done = true;
        vms[i].qemu->Kill();
        ++done;
      }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<Sample> samples;
  for (auto& vm : vms) {
    if (!vm.done) vm.sample.failure = fmt::format("the guest did not reach /init within {} s", kCalibrationTimeout.count());
    samples.push_back(vm.sample);
  }
  return samples;
}

fs::path CacheFile(const fs::path& cache_dir, const std::string& accel, const fs::path& kernel, int parallel) {
  return cache_dir / fmt::format("host-reference-{}-{}-j{}-{}.json", HostBootId(), accel, parallel,
                                 Sha256File(kernel).substr(0, 12));
}

// A host's load changes over hours (a shared CI runner): a reference older
// than this is measured again.
bool CacheIsRecent(const fs::path& cache) {
  std::error_code ec;
  auto written = fs::last_write_time(cache, ec);
  return !ec && fs::file_time_type::clock::now() - written < kReferenceCacheLifetime;
}

// A cached reference, when one is there, valid and recent.
std::optional<HostReference> ReadCache(const fs::path& cache) {
  std::error_code ec;
  if (!fs::exists(cache, ec) || !CacheIsRecent(cache)) return std::nullopt;
  auto cached = HostReferenceFromJson(nlohmann::json::parse(ReadFile(cache), nullptr, false));
  if (!cached.valid()) return std::nullopt;
  cached.source = "cached for this host boot";
  return cached;
}

// Held while one process calibrates, so that runs started together on a
// shared cache (a CI job's parallel tests) measure once and the others read
// the result instead of booting calibration VMs of their own. Waits with
// Ctrl-C honoured; a lock that cannot be taken means calibrating anyway.
class CalibrationLock {
 public:
  explicit CalibrationLock(const fs::path& path) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) return;
    auto deadline = Clock::now() + 2 * kCalibrationTimeout;
    while (flock(fd_, LOCK_EX | LOCK_NB) != 0 && Clock::now() < deadline) {
      ThrowIfInterrupted();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~CalibrationLock() {
    if (fd_ >= 0) close(fd_);
  }
  CalibrationLock(const CalibrationLock&) = delete;
  CalibrationLock& operator=(const CalibrationLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

fs::path ReferenceCacheDir(const fs::path& images_cache) {
  const char* shared = std::getenv("LIVECHECK_REFERENCE_DIR");
  return shared && *shared ? fs::path(shared) : images_cache;
}

nlohmann::json ToJson(const HostReference& r) {
  nlohmann::json j = {{"guest_seconds", r.guest_seconds}, {"host_seconds", r.host_seconds},
                      {"guest_samples", r.guest_samples}, {"host_samples", r.host_samples},
                      {"accel", r.accel},                 {"kernel", r.kernel},
                      {"parallel", r.parallel},
                      {"source", r.source}};
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

HostReference HostReferenceFromJson(const nlohmann::json& j) {
  HostReference r;
  if (!j.is_object()) return r;
  r.guest_seconds = NumberField(j, "guest_seconds", -1);
  r.host_seconds = NumberField(j, "host_seconds", -1);
  for (const auto& s : ArrayField(j, "guest_samples"))
    if (s.is_number()) r.guest_samples.push_back(s.get<double>());
  for (const auto& s : ArrayField(j, "host_samples"))
    if (s.is_number()) r.host_samples.push_back(s.get<double>());
  r.accel = StringField(j, "accel");
  r.parallel = static_cast<int>(IntField(j, "parallel", 1));
  r.kernel = StringField(j, "kernel");
  r.source = StringField(j, "source");
  r.error = StringField(j, "error");
  return r;
}

HostReference MeasureHostReference(const std::string& accel, const fs::path& kernel, const fs::path& cache_dir,
                                   int parallel, bool fresh) {
  parallel = std::max(parallel, 1);
  HostReference reference{.accel = accel, .kernel = kernel.string(), .parallel = parallel, .source = "measured"};
  std::error_code ec;
  if (kernel.empty() || !fs::exists(kernel, ec)) {
    reference.error = kernel.empty() ? "no guest kernel to calibrate with (apt-get install linux-image-amd64)"
                                     : fmt::format("no guest kernel to calibrate with ({})", kernel.string());
    return reference;
  }
  auto cache = CacheFile(cache_dir, accel, kernel, parallel);
  if (!fresh)
    if (auto cached = ReadCache(cache)) return *cached;
  fs::create_directories(cache_dir, ec);
  CalibrationLock lock(cache.string() + ".lock");
  // Another run may have measured while this one waited for the lock.
  if (!fresh)
    if (auto cached = ReadCache(cache)) return *cached;
  TempDir dir(fs::temp_directory_path(), "livecheck-calibrate-");
  auto initrd = WriteCalibrationInitramfs(dir.path());
  // At least three samples, in as few rounds as the parallelism allows.
  int rounds = std::max(2, (3 + parallel - 1) / parallel);
  for (int round = 0; round < rounds; ++round)
    for (const auto& sample : BootRound(accel, kernel, initrd, dir.path(), parallel)) {
      if (sample.guest < 0) {
        reference.error = fmt::format("calibration boot of {}: {}", kernel.string(), sample.failure);
        reference.guest_samples.clear();
        reference.host_samples.clear();
        return reference;
      }
      reference.guest_samples.push_back(sample.guest);
      reference.host_samples.push_back(sample.host);
    }
  reference.guest_seconds = Median(reference.guest_samples);
  reference.host_seconds = Median(reference.host_samples);
  WriteFileAtomic(cache, ToJson(reference).dump());
  return reference;
}

fs::path ReferenceKernel() {
  try {
    return FindGuestKernel(std::nullopt, std::nullopt).image;
  } catch (const Error&) {
    return {};
  }
}

double TimeoutScaleFor(const HostReference& reference) {
  if (!reference.valid()) return 1;
  return std::clamp(reference.guest_seconds / kNominalReferenceGuestSeconds, 1.0, kMaxReferenceTimeoutScale);
}

}  // namespace livecheck
