#include "common/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "common/error.h"
#include "common/interrupt.h"

extern char** environ;

namespace livecheck {
namespace {

// How long a child may run before RunProcess looks for a signal to livecheck.
constexpr int64_t kInterruptPollMs = 100;

std::vector<std::string> BuildEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    auto eq = entry.find('=');
    if (eq != std::string::npos && extra.count(entry.substr(0, eq)) != 0) continue;
    env.push_back(std::move(entry));
  }
  for (const auto& [key, value] : extra) env.push_back(key + "=" + value);
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string LastLine(const std::string& text) {
  auto end = text.find_last_not_of("\n\r ");
  if (end == std::string::npos) return "";
  auto start = text.rfind('\n', end);
  start = (start == std::string::npos) ? 0 : start + 1;
  return text.substr(start, end - start + 1);
}

}  // namespace

std::string DescribeCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    out += arg.find(' ') == std::string::npos ? arg : "'" + arg + "'";
  }
  return out;
}

bool HaveExecutable(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0;
  const char* path = getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    auto colon = dirs.find(':', start);
    if (colon == std::string::npos) colon = dirs.size();
    std::string candidate = dirs.substr(start, colon - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return true;
    start = colon + 1;
  }
  return false;
}

void KillChildProcesses() {
  pid_t self = getpid();
  DIR* proc = opendir("/proc");
  if (!proc) return;
  while (dirent* entry = readdir(proc)) {
    pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char stat[512];
    ssize_t n = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (n <= 0) continue;
    stat[n] = '\0';
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
    const char* after_comm = std::strrchr(stat, ')');
    char state;
    int ppid = 0;
    if (after_comm && std::sscanf(after_comm + 1, " %c %d", &state, &ppid) == 2 && ppid == self) kill(pid, SIGKILL);
  }
  closedir(proc);
}

ProcessResult RunProcess(const ProcessSpec& spec) {
  if (spec.argv.empty()) throw Error("internal error: empty command");
  ThrowIfInterrupted();
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0)
    throw Error(fmt::format("cannot create pipes: {}", strerror(errno)));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());

  // The child must not inherit a blocked SIGINT/SIGTERM mask from a runner
  // that handles signals on a thread.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);

  auto argv_copy = spec.argv;
  auto env = BuildEnvironment(spec.extra_env);
  auto c_argv = CStrings(argv_copy);
  auto c_env = CStrings(env);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, c_argv[0], &actions, &attr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw Error(fmt::format("cannot run {}: {}", spec.argv[0], strerror(rc)));
  }

  ProcessResult result;
  size_t written = 0;
  int in_fd = in_pipe[1];
  if (spec.stdin_data.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  auto deadline = spec.timeout ? std::chrono::steady_clock::now() + *spec.timeout
                               : std::chrono::steady_clock::time_point::max();
  int open_outputs = 2;
  int fds_out[2] = {out_pipe[0], err_pipe[0]};
  std::string* sinks[2] = {&result.out, &result.err};
  while (open_outputs > 0 || in_fd >= 0) {
    std::vector<pollfd> polls;
    for (int i = 0; i < 2; ++i)
      if (fds_out[i] >= 0) polls.push_back({fds_out[i], POLLIN, 0});
    if (in_fd >= 0) polls.push_back({in_fd, POLLOUT, 0});
    // Wake up now and then: a signal to livecheck must stop the child too.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    int wait_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 0, kInterruptPollMs));
    int n = poll(polls.data(), polls.size(), wait_ms);
    if (n < 0 && errno == EINTR) continue;
    if (Interrupted()) {
      kill(pid, SIGKILL);
      result.interrupted = true;
      break;
    }
    if (n == 0 && std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      result.timed_out = true;
      break;
    }
    for (const auto& p : polls) {
      if (p.revents == 0) continue;
      if (p.fd == in_fd) {
        ssize_t w = write(in_fd, spec.stdin_data.data() + written, spec.stdin_data.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN) written = spec.stdin_data.size();
        if (written == spec.stdin_data.size()) {
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      for (int i = 0; i < 2; ++i) {
        if (p.fd != fds_out[i]) continue;
        char buf[65536];
        ssize_t r = read(p.fd, buf, sizeof buf);
        if (r > 0) {
          sinks[i]->append(buf, static_cast<size_t>(r));
        } else if (r == 0 || errno != EINTR) {
          close(fds_out[i]);
          fds_out[i] = -1;
          --open_outputs;
        }
      }
    }
  }
  for (int fd : fds_out)
    if (fd >= 0) close(fd);
  if (in_fd >= 0) close(in_fd);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  if (result.interrupted) ThrowIfInterrupted();  // the child is reaped: nothing is left behind
  return result;
}

ProcessResult RunChecked(const ProcessSpec& spec) {
  ProcessResult result = RunProcess(spec);
  if (result.exit_code == 0) return result;
  std::string why = result.timed_out ? "timed out"
                    : result.signal   ? fmt::format("killed by signal {}", result.signal)
                                      : fmt::format("exit {}", result.exit_code);
  std::string detail = LastLine(result.err);
  if (detail.empty()) detail = LastLine(result.out);
  throw Error(fmt::format("{} failed ({}){}{}", DescribeCommand(spec.argv), why,
                          detail.empty() ? "" : ": ", detail));
}

}  // namespace livecheck
