#include "machine/qemu_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/phase_marker.h"

extern char** environ;

namespace livecheck {
namespace {

// posix_spawn has no hook to run in the child, and a child inherits its
// parent's THP flag (through exec too): set livecheck's own flag for the
// spawn and put it back after. Serialized, so that two runs starting their
// QEMUs at once each get the flag they asked for.
int SpawnOnPages(HostPages pages, pid_t* pid, const char* file, const posix_spawn_file_actions_t* actions,
                 char* const argv[]) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  int before = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
  int wanted = pages == HostPages::kSmall ? 1 : before;
  if (before >= 0 && wanted != before) prctl(PR_SET_THP_DISABLE, wanted, 0, 0, 0);
  int rc = posix_spawnp(pid, file, actions, nullptr, argv, environ);
  if (before >= 0 && wanted != before) prctl(PR_SET_THP_DISABLE, before, 0, 0, 0);
  return rc;
}

}  // namespace

QemuProcess::QemuProcess(const MachineDescription& machine, const fs::path& output_log)
    : QemuProcess(QemuCommand(machine), output_log, HostPagesFor(machine)) {}

QemuProcess::QemuProcess(const std::vector<std::string>& argv, const fs::path& output_log, HostPages pages) {
  int fd = open(output_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(DescribeIoError("create", output_log, errno), kExitEnvironment);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fd, 1);
  posix_spawn_file_actions_adddup2(&actions, fd, 2);
  std::vector<std::string> copy = argv;
  std::vector<char*> c_argv;
  for (auto& a : copy) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  int rc = SpawnOnPages(pages, &pid_, c_argv[0], &actions, c_argv.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fd);
  if (rc != 0) throw Error(fmt::format("cannot start {}: {}", argv[0], strerror(rc)), kExitEnvironment);
  // The syscall itself: glibc 2.36's <sys/pidfd.h> declares pidfd_open without C linkage.
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
}

QemuProcess::~QemuProcess() {
  Kill();
  if (pidfd_ >= 0) close(pidfd_);
}

std::optional<int> QemuProcess::WaitExit(std::chrono::milliseconds timeout) {
  if (reaped_) return status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      status_ = status;
      return status;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    // A pidfd turns readable when the process exits: a run's QEMU is reaped
    // the moment it quits, not at the next tick. Without one, a 50 ms tick.
    pollfd exited{.fd = pidfd_, .events = POLLIN, .revents = 0};
    poll(&exited, pidfd_ >= 0 ? 1 : 0, static_cast<int>(std::min<int64_t>(left.count() + 1, 50)));
  }
}

void QemuProcess::Kill() {
  if (reaped_ || pid_ <= 0) return;
  // One that already ended (a zombie) keeps its own status: a QEMU killed
  // from outside must not look as if livecheck had stopped it.
  if (WaitExit(std::chrono::milliseconds(0))) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  killed_ = true;
  status_ = status;
}

std::optional<int> QemuProcess::ExitedOnItsOwn() {
  auto status = WaitExit(std::chrono::milliseconds(0));
  if (!status || killed_) return std::nullopt;
  return status;
}

double TimeoutScale() {
  const char* text = std::getenv("LIVECHECK_TIMEOUT_SCALE");
  if (text == nullptr) return 1.0;
  double scale = std::atof(text);
  return scale > 0 ? scale : 1.0;
}

ConsoleWait WaitForConsole(QemuProcess& qemu, const fs::path& console_log,
                           const std::function<bool(std::string_view log)>& seen, std::chrono::milliseconds timeout) {
  ConsoleWait wait;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    if (fs::exists(console_log, ec)) wait.log = ReadFile(console_log);
    if (seen(wait.log)) {
      wait.found = true;
      return wait;
    }
    if (qemu.WaitExit(std::chrono::milliseconds(100))) {
      wait.qemu_exited = true;
      if (fs::exists(console_log, ec)) wait.log = ReadFile(console_log);
      wait.found = seen(wait.log);
      return wait;
    }
  }
  return wait;
}

ConsoleWait WaitForPhase(QemuProcess& qemu, const fs::path& console_log, const std::string& phase,
                         std::chrono::milliseconds timeout) {
  auto has_phase = [&](std::string_view log) {
    for (const auto& m : ParsePhaseMarkers(log))
      if (m.phase == phase) return true;
    return false;
  };
  return WaitForConsole(qemu, console_log, has_phase, timeout);
}

}  // namespace livecheck
