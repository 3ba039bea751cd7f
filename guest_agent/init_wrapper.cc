#include "guest_agent/init_wrapper.h"
#include "guest_agent/follow_init.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace livecheck::agent {
namespace {

void Say(int console, const std::string& text) {
  if (console < 0) return;
  ssize_t ignored = write(console, text.data(), text.size());
  (void)ignored;
}

bool CopyFile(const std::string& from, const std::string& to) {
  int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return false;
  int out = open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
  bool ok = out >= 0;
  char buffer[1 << 16];
  while (ok) {
    ssize_t n = read(in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    ok = write(out, buffer, static_cast<size_t>(n)) == n;
  }
  close(in);
  if (out >= 0) close(out);
  return ok;
}

// Everything the agent needs, on a tmpfs of its own; false (with the reason
// on the console) when any step fails: the image then boots without it.
bool StartAgent(int& console) {
  const std::string base = kWrapperDir;
  mkdir(base.c_str(), 0700);
  if (mount("livecheck", base.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=32m") != 0) return false;
  mkdir((base + "/dev").c_str(), 0755);
  mkdir((base + "/proc").c_str(), 0555);
  if (mount("devtmpfs", (base + "/dev").c_str(), "devtmpfs", MS_NOSUID, nullptr) != 0) return false;
  if (mount("proc", (base + "/proc").c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) return false;
  console = open((base + "/dev/console").c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (!CopyFile(base + "/proc/self/exe", base + "/livecheck-agent")) return false;
  pid_t child = fork();
  if (child < 0) return false;
  if (child == 0) {
    setsid();
    std::string agent = base + "/livecheck-agent", port = base + "/dev/ttyS1", cons = base + "/dev/console",
                proc = base + "/proc";
    const char* args[] = {"@livecheck-agent", "--port", port.c_str(), "--console", cons.c_str(), "--proc",
                          proc.c_str(), "--follow-init", "--settle", "auto", "--mark-root-ready", nullptr};
    execv(agent.c_str(), const_cast<char* const*>(args));
    _exit(127);
  }
  return true;
}

}  // namespace

int RunAsInitWrapper(char** argv) {
  int console = -1;
  if (StartAgent(console)) {
    WriteMarker(console, "agent-started", "by=rdinit");
  } else {
    Say(console, std::string("livecheck-init: the agent could not start: ") + strerror(errno) + "\n");
  }
  if (console >= 0) close(console);
  // The image's own init, as the kernel would have started it.
  for (const char* init : {"/init", "/sbin/init"}) {
    argv[0] = const_cast<char*>(init);
    execv(init, argv);
  }
  return 127;
}

}  // namespace livecheck::agent
