#include "guest_agent/follow_init.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace livecheck::agent {

// CLOCK_BOOTTIME is what /proc/uptime shows, and needs no /proc.
double BootClockSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

namespace {

void Sleep(double seconds) {
  timespec ts{static_cast<time_t>(seconds), static_cast<long>((seconds - static_cast<double>(static_cast<time_t>(seconds))) * 1e9)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

}  // namespace

void WriteMarker(int console_fd, const std::string& phase, const std::string& extra) {
  if (console_fd < 0) return;
  char line[256];
  int n = snprintf(line, sizeof line, "@@livecheck phase=%s t=%.2f%s%s\n", phase.c_str(), BootClockSeconds(),
                   extra.empty() ? "" : " ", extra.c_str());
  if (n > 0) {
    ssize_t ignored = write(console_fd, line, std::min(static_cast<size_t>(n), sizeof line - 1));
    (void)ignored;
  }
}

namespace {

std::string ReadSmall(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  char buffer[4096];
  // Bounded: a snapshot only needs to notice change.
  while (in && text.size() < 256 * 1024) {
    in.read(buffer, sizeof buffer);
    text.append(buffer, static_cast<size_t>(in.gcount()));
  }
  return text;
}

// User-space processes as "pid:comm" (kernel threads come and go on their own).
std::string UserProcesses() {
  std::string out;
  DIR* dir = opendir("/proc");
  if (!dir) return out;
  std::vector<long> pids;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    long pid = strtol(e->d_name, &end, 10);
    if (end && *end == '\0' && pid > 0) pids.push_back(pid);
  }
  closedir(dir);
  std::sort(pids.begin(), pids.end());
  for (long pid : pids) {
    std::string stat = ReadSmall(("/proc/" + std::to_string(pid) + "/stat").c_str());
    auto close_paren = stat.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(close_paren + 1));
    std::string state;
    long ppid = 0;
    rest >> state >> ppid;
    if (pid == 2 || ppid == 2) continue;
    out += std::to_string(pid) + ":" + stat.substr(0, close_paren) + "\n";
  }
  return out;
}

std::string Snapshot() {
  return ReadSmall("/proc/self/mountinfo") + "\x1e" + ReadSmall("/proc/swaps") + "\x1e" + UserProcesses();
}

bool SameInode(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

bool IsSystemd() {
  char target[256];
  ssize_t n = readlink("/proc/1/exe", target, sizeof target - 1);
  if (n <= 0) return false;
  std::string exe(target, static_cast<size_t>(n));
  return exe.size() >= 8 && exe.compare(exe.size() - 8, 8, "/systemd") == 0;
}

// `systemctl is-system-running --wait` in the booted root, bounded; returns
// the state it printed, or why there is none.
std::string WaitForSystemd(double timeout) {
  const char* systemctl = access("/usr/bin/systemctl", X_OK) == 0 ? "/usr/bin/systemctl" : "/bin/systemctl";
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return "error:pipe";
  pid_t child = fork();
  if (child < 0) return "error:fork";
  if (child == 0) {
    dup2(out[1], 1);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 2);
    }
    // The agent's root is PID 1's root, so this is no chroot; say so anyway.
    char* const argv[] = {const_cast<char*>(systemctl), const_cast<char*>("is-system-running"),
                          const_cast<char*>("--wait"), nullptr};
    char* const envp[] = {const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin"),
                          const_cast<char*>("SYSTEMD_IGNORE_CHROOT=1"), nullptr};
    execve(systemctl, argv, envp);
    _exit(127);
  }
  close(out[1]);
  double deadline = BootClockSeconds() + timeout;
  int status = 0;
  bool done = false;
  while (!done && BootClockSeconds() < deadline) {
    pid_t r = waitpid(child, &status, WNOHANG);
    if (r == child) done = true;
    else Sleep(0.1);
  }
  if (!done) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  }
  char buffer[128];
  ssize_t n = read(out[0], buffer, sizeof buffer - 1);
  close(out[0]);
  std::string state = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  state.erase(std::remove_if(state.begin(), state.end(), [](char c) { return c == '\n' || c == ' '; }), state.end());
  if (!done) return "timeout";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return "error:no-systemctl";
  return state.empty() ? "unknown" : state;
}

// Busy and total jiffies of all CPUs from /proc/stat (I/O wait counts as
// busy: a boot reading its root is not done).
std::pair<unsigned long long, unsigned long long> CpuJiffies() {
  std::istringstream in(ReadSmall("/proc/stat"));
  std::string cpu;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  unsigned long long total = user + nice + system + idle + iowait + irq + softirq + steal;
  return {total - idle, total};
}

std::string WaitForQuiet(const FollowOptions& options) {
  QuietDetector quiet(options.quiet_seconds);
  double deadline = BootClockSeconds() + options.settle_timeout_seconds;
  auto [busy_before, total_before] = CpuJiffies();
  while (BootClockSeconds() < deadline) {
    Sleep(0.25);
    auto [busy, total] = CpuJiffies();
    double fraction = total > total_before ? static_cast<double>(busy - busy_before) / static_cast<double>(total - total_before) : 0;
    busy_before = busy;
    total_before = total;
    if (quiet.Update(Snapshot(), BootClockSeconds(), fraction)) return "quiet";
  }
  return "timeout";
}

std::string WaitForFile(const FollowOptions& options) {
  double deadline = BootClockSeconds() + options.settle_timeout_seconds;
  while (BootClockSeconds() < deadline) {
    if (access(options.settle.file.c_str(), F_OK) == 0) return "file";
    Sleep(0.02);
  }
  return "timeout";
}

}  // namespace

bool ParseSettleRule(std::string_view text, SettleRule& rule) {
  if (text == "auto") rule = {SettleRule::Kind::kAuto, ""};
  else if (text == "none") rule = {SettleRule::Kind::kNone, ""};
  else if (text.substr(0, 5) == "file:" && text.size() > 6 && text[5] == '/')
    rule = {SettleRule::Kind::kFile, std::string(text.substr(5))};
  else return false;
  return true;
}

bool QuietDetector::Update(const std::string& snapshot, double now, double busy) {
  if (since_ < 0 || snapshot != last_ || busy > max_busy_) {
    last_ = snapshot;
    since_ = now;
    return false;
  }
  return now - since_ >= quiet_seconds_;
}

nlohmann::json FollowInit(const FollowOptions& options, int console_fd) {
  nlohmann::json result;
  // /proc may be moved into the new root by the init (initramfs-tools does):
  // a descriptor keeps this instance reachable wherever it ends up.
  int proc = open(options.proc.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct stat own_root {};
  if (proc < 0 || stat("/", &own_root) != 0) {
    result["error"] = "cannot open " + options.proc + ": " + strerror(errno);
    return result;
  }
  double deadline = BootClockSeconds() + options.switch_timeout_seconds;
  struct stat init_root {};
  while (true) {
    if (fstatat(proc, "1/root", &init_root, 0) == 0 && !SameInode(init_root, own_root)) break;
    if (BootClockSeconds() > deadline) {
      close(proc);
      result["error"] = "PID 1 did not switch root in time";
      return result;
    }
    Sleep(0.02);
  }
  result["root_switch"] = BootClockSeconds();
  if (options.mark_root_ready) WriteMarker(console_fd, "root-ready", "by=agent");
  // Follow PID 1 into its root: every later path ("/", "/proc/self/mountinfo",
  // "/run/live/lower") then means what it means in the booted system.
  if (fchdir(proc) != 0 || chroot("1/root") != 0 || chdir("/") != 0) {
    result["error"] = std::string("cannot enter PID 1's root: ") + strerror(errno);
    close(proc);
    return result;
  }
  close(proc);

  std::string how;
  switch (options.settle.kind) {
    case SettleRule::Kind::kNone: how = "none"; break;
    case SettleRule::Kind::kFile: how = WaitForFile(options); break;
    case SettleRule::Kind::kAuto: {
      // PID 1 may still be the initramfs's switch_root for a moment.
      bool systemd = false;
      for (double until = BootClockSeconds() + 1; !(systemd = IsSystemd()) && BootClockSeconds() < until;) Sleep(0.05);
      if (systemd) {
        // systemctl says "offline" until PID 1 has made /run/systemd/system
        // after the switch, and nothing while its socket is not up yet: ask
        // again until it has an answer of its own.
        double until = BootClockSeconds() + options.settle_timeout_seconds;
        std::string state = "offline";
        auto unanswered = [](const std::string& s) { return s == "offline" || s == "unknown"; };
        while (unanswered(state) && BootClockSeconds() < until) {
          if (access("/run/systemd/system", F_OK) == 0) state = WaitForSystemd(until - BootClockSeconds());
          if (unanswered(state)) Sleep(0.5);
        }
        how = "systemd:" + state;
      }
      else how = WaitForQuiet(options);
      break;
    }
  }
  result["settle"] = how;
  result["settled"] = BootClockSeconds();
  WriteMarker(console_fd, "system-settled", "how=" + how);
  return result;
}

}  // namespace livecheck::agent
