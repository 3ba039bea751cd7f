#pragma once
// A scenario's `run` step inside the booted system: the user's command, run
// by the system's own /bin/sh (the agent's root is PID 1's root by then),
// with a deadline and a bounded copy of what it printed.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace livecheck::agent {

/// What a command may print into the answer; the rest is counted, not kept.
inline constexpr size_t kMaxCommandOutput = 64 * 1024;

/// Runs `command` with `sh -c` in a new session, stdout and stderr
/// together, stdin /dev/null; kills its whole process group after
/// `timeout_seconds`. {exit_status (-1 when killed or signalled), signal,
/// timed_out, output, output_bytes, seconds}.
nlohmann::json RunCommand(const std::string& command, double timeout_seconds, const std::string& shell = "/bin/sh");

}  // namespace livecheck::agent
