// The QMP and agent channel reader: arbitrary bytes in arbitrary chunks
// through the bounded line buffer, each line parsed as JSON.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/untrusted_json.h"
#include "common/line_buffer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  livecheck::LineBuffer buffer(4096);
  size_t pos = 0;
  while (pos < size) {
    size_t chunk = 1 + (data[pos] % 64);  // the first byte of each chunk sets its length
    std::string_view bytes(reinterpret_cast<const char*>(data) + pos, std::min(chunk, size - pos));
    buffer.Append(bytes);
    pos += bytes.size();
    std::string line;
    while (buffer.Next(line) != livecheck::LineBuffer::Status::kNeedMore) {
      auto json = livecheck::ParseUntrustedJson(line);
      // The reads the QMP and agent clients make of every message.
      if (json.is_discarded()) continue;
      (void)livecheck::IntField(json, "id", -1);
      (void)livecheck::StringField(json, "event");
      (void)livecheck::BoolField(json, "ok", false);
      (void)livecheck::NumberField(livecheck::ObjectField(json, "result"), "uptime", 0.0);
      (void)livecheck::StringField(livecheck::ObjectField(json, "data"), "device");
    }
    if (buffer.buffered() > 4097) __builtin_trap();  // the bound must hold
  }
  return 0;
}
