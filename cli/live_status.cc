#include "cli/live_status.h"

#include <iostream>

#include <fmt/format.h>

namespace livecheck {

void LiveStatus::Redraw(const std::string& log_line) {
  std::string out;
  if (drawn_lines_ > 0) out += fmt::format("\033[{}A\033[J", drawn_lines_);  // up, then clear to the end
  if (!log_line.empty()) out += log_line + "\n";
  auto now = std::chrono::steady_clock::now();
  for (const auto& [id, run] : running_)
    out += fmt::format("  {:<48} {:<24} {:6.1f} s\n", id, run.phase,
                       std::chrono::duration<double>(now - run.start).count());
  drawn_lines_ = static_cast<int>(running_.size());
  std::cout << out << std::flush;
}

void LiveStatus::Log(const std::string& line) { Redraw(line); }

void LiveStatus::Started(const std::string& run_id) {
  running_[run_id] = Running{};
  Redraw("");
}

void LiveStatus::Phase(const std::string& run_id, const std::string& phase) {
  auto it = running_.find(run_id);
  if (it == running_.end()) return;
  it->second.phase = phase;
  Redraw("");
}

void LiveStatus::Finished(const std::string& run_id) {
  running_.erase(run_id);
  Redraw("");
}

}  // namespace livecheck
