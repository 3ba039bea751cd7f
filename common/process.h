#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace livecheck {

/// How to start a child process. argv[0] is looked up in PATH; no shell is ever involved.
struct ProcessSpec {
  std::vector<std::string> argv;
  std::string stdin_data;                         ///< written to the child's stdin, then closed
  std::map<std::string, std::string> extra_env;   ///< added to (or overriding) our environment
  std::string cwd;                                ///< empty: inherit
  std::optional<std::chrono::milliseconds> timeout;  ///< killed (SIGKILL) when exceeded
};

struct ProcessResult {
  int exit_code = -1;     ///< -1 when killed by a signal or timed out
  int signal = 0;
  bool timed_out = false;
  bool interrupted = false;  ///< livecheck got SIGINT/SIGTERM (common/interrupt.h): the child was killed
  std::string out;
  std::string err;
};

/// Runs a child to completion, capturing stdout and stderr.
/// Throws Error when the child cannot be started at all, and (exit code
/// kExitInterrupted) when livecheck is interrupted: then the child is killed
/// and reaped first.
ProcessResult RunProcess(const ProcessSpec& spec);

/// Like RunProcess, but a non-zero exit becomes an Error naming the command
/// and the last line it printed on stderr.
ProcessResult RunChecked(const ProcessSpec& spec);

/// "mksquashfs a b -comp xz" for messages; arguments with spaces are quoted.
std::string DescribeCommand(const std::vector<std::string>& argv);

/// SIGKILLs every child process of livecheck (QEMUs, image tools,
/// libguestfs's appliance): what a signal does first (common/interrupt.h).
/// Each owner still reaps its own. Safe to call from any thread.
void KillChildProcesses();

/// True when `name` resolves to an executable in PATH (or is an executable path).
bool HaveExecutable(const std::string& name);

}  // namespace livecheck
