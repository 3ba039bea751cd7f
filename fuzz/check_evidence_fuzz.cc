// Agent answers, and the evidence stored in a bundle someone hands over, are
// untrusted JSON of any shape: every check must return a verdict for it,
// never throw or crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "evidence/check_replay.h"
#include "evidence/checks.h"
#include "evidence/command_check.h"
#include "evidence/console_pattern_check.h"
#include "evidence/stacked_devices.h"
#include "common/untrusted_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto evidence = livecheck::ParseUntrustedJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (evidence.is_discarded()) return 0;
  std::vector<livecheck::RootfsEntry> manifest = {{"/bin/busybox", "file", 0755, 1, "aa", ""}};
  (void)livecheck::CheckLowerReadonly(evidence);
  (void)livecheck::CheckUpperTmpfs(evidence);
  (void)livecheck::CheckOwnMedium(evidence);
  // A `run` step's verdict: the guest's output and the pattern both from the input.
  (void)livecheck::CheckCommandResult(evidence);
  // Stacked devices in the guest's block devices, turned into trace events.
  nlohmann::json stacked;
  livecheck::NoteStackedDevices(stacked, evidence);
  (void)livecheck::StackedDeviceEvents(stacked);
  // A `wait_console` step's verdict: the console line and the pattern too.
  (void)livecheck::CheckConsolePattern(evidence);
  nlohmann::json ram = evidence.is_object() ? evidence : nlohmann::json::object();
  ram["toram"] = true;
  ram["unplugged"] = true;
  (void)livecheck::CheckRamCopy(ram, manifest);
  auto list = evidence.is_array() ? evidence : nlohmann::json::array({evidence});
  (void)livecheck::CheckInternalDiskUntouched({.drive = "internal"}, "sda", list, list, list);
  // A stored verdict in an evidence bundle, decided again by livecheck verify.
  (void)livecheck::DiskEvidenceFromJson(evidence);
  for (const auto& name : livecheck::CheckNames()) {
    livecheck::CheckResult stored{name, livecheck::Status::kPass, "", evidence};
    (void)livecheck::ReplayCheck(stored, {{"root-ready", 1.0, 2.0}}, &manifest);
  }
  return 0;
}
