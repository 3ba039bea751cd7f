#pragma once
#include <stdexcept>
#include <string>

namespace livecheck {

/// A failure with a one-line message meant for the user: what failed and where.
/// Thrown by synchronous code; `livecheck` prints it and exits with `exit_code`.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exit_code = 2)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

/// Documented exit codes of `livecheck`.
constexpr int kExitOk = 0;
constexpr int kExitCheckFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitEnvironment = 3;
/// SIGINT or SIGTERM stopped the command (128 + SIGINT, as shells report it).
constexpr int kExitInterrupted = 130;

}  // namespace livecheck
