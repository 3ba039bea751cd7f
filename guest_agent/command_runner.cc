#include "guest_agent/command_runner.h"

#include "guest_agent/follow_init.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace livecheck::agent {

nlohmann::json RunCommand(const std::string& command, double timeout_seconds, const std::string& shell) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return {{"exit_status", -1}, {"error", "pipe"}};
  double start = BootClockSeconds();
  pid_t child = fork();
  if (child < 0) {
    close(out[0]);
    close(out[1]);
    return {{"exit_status", -1}, {"error", "fork"}};
  }
  if (child == 0) {
    setsid();  // its own process group: a timeout kills everything it started
    dup2(out[1], 1);
    dup2(out[1], 2);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, 0);
    char* const argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>(command.c_str()),
                          nullptr};
    char* const envp[] = {const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), const_cast<char*>("HOME=/root"),
                          const_cast<char*>("LANG=C"), nullptr};
    execve(shell.c_str(), argv, envp);
    _exit(127);
  }
  close(out[1]);
  std::string output;
  size_t total = 0;
  bool timed_out = false;
  // Read until the pipe closes (the command and everything it started are
  // done with it) or the deadline passes.
  for (;;) {
    double left = start + timeout_seconds - BootClockSeconds();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left * 1000) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buffer[4096];
    ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    total += static_cast<size_t>(n);
    if (output.size() < kMaxCommandOutput)
      output.append(buffer, std::min(static_cast<size_t>(n), kMaxCommandOutput - output.size()));
  }
  close(out[0]);
  if (timed_out) kill(-child, SIGKILL);
  int status = 0;
  // The pipe closed: the shell exits soon after; a timeout killed it.
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return {{"exit_status", WIFEXITED(status) ? WEXITSTATUS(status) : -1},
          {"signal", WIFSIGNALED(status) ? WTERMSIG(status) : 0},
          {"timed_out", timed_out},
          {"output", output},
          {"output_bytes", total},
          {"seconds", BootClockSeconds() - start}};
}

}  // namespace livecheck::agent
