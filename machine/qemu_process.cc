#include "machine/qemu_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/phase_marker.h"

extern char** environ;

namespace livecheck {

QemuProcess::QemuProcess(const std::vector<std::string>& argv, const fs::path& output_log) {
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
  int rc = posix_spawnp(&pid_, c_argv[0], &actions, nullptr, c_argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fd);
  if (rc != 0) throw Error(fmt::format("cannot start {}: {}", argv[0], strerror(rc)), kExitEnvironment);
}

QemuProcess::~QemuProcess() { Kill(); }

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
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
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
