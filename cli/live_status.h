#pragma once
#include <chrono>
#include <map>
#include <string>

namespace livecheck {

/// Live progress on a terminal: log lines scroll above a block with one
/// line per running VM (its current phase and elapsed time), redrawn in
/// place. Not used when stdout is not a terminal (CI logs get plain lines).
class LiveStatus {
 public:
  void Log(const std::string& line);
  void Started(const std::string& run_id);
  void Phase(const std::string& run_id, const std::string& phase);
  void Finished(const std::string& run_id);

 private:
  void Redraw(const std::string& log_line);
  struct Running {
    std::string phase = "starting QEMU";
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  };
  std::map<std::string, Running> running_;
  int drawn_lines_ = 0;
};

}  // namespace livecheck
