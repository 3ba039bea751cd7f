// Finding livecheck's QEMUs and tools from outside, the way a user would with
// ps: to kill one mid-boot, or to prove none outlived a run.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/file_util.h"

namespace livecheck {

// The processes running `program` whose command line mentions `needle` (e.g. a runtime directory).
inline std::vector<pid_t> ProcessesMentioning(const std::string& program, const std::string& needle) {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline;
    try {
      cmdline = ReadFile(entry.path() / "cmdline");
    } catch (...) {
      continue;  // the process ended meanwhile
    }
    if (cmdline.find(needle) != std::string::npos && cmdline.find(program) != std::string::npos)
      pids.push_back(std::stoi(name));
  }
  return pids;
}

inline std::vector<pid_t> QemuProcessesMentioning(const std::string& needle) {
  return ProcessesMentioning("qemu-system", needle);
}

}  // namespace livecheck
