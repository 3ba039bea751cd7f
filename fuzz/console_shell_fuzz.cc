// What a console shell shows is untrusted: the transcript parser, the
// prompt matcher and the /proc table parsers must take any bytes without
// crashing, and a command's output is only ever what lies between its own
// markers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "evidence/proc_tables.h"
#include "channels/shell_transcript.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  std::string clean = livecheck::CleanConsoleText(raw);
  for (char c : clean)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7f) __builtin_trap();
  if (auto out = livecheck::ExtractMarkedOutput(clean, "fuzz-1")) {
    if (out->output.size() > clean.size()) __builtin_trap();
  }
  (void)livecheck::EndsWithPrompt(clean, "[#$] $");
  (void)livecheck::ParseProcMounts(clean);
  (void)livecheck::ParseProcSwaps(clean);
  (void)livecheck::ParseBlockDevices(clean);
  return 0;
}
