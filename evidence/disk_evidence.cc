#include "evidence/disk_evidence.h"

#include "common/json_fields.h"
#include "common/process.h"
#include "common/sha256.h"

namespace livecheck {

DiskEvidence DiskEvidenceAfterRun(const std::string& drive, const fs::path& image, const std::string& hash_before,
                                  const fs::path& overlay, const nlohmann::json& blockstats) {
  DiskEvidence e{.drive = drive, .image = image.string(), .hash_before = hash_before, .hash_after = Sha256File(image)};
  if (!overlay.empty()) e.overlay_allocated_bytes = OverlayAllocatedBytes(overlay);
  if (blockstats.is_array())
    for (const auto& s : blockstats)
      if (StringField(s, "device") == drive) {
        e.wr_operations = IntField(ObjectField(s, "stats"), "wr_operations", 0);
        e.wr_bytes = IntField(ObjectField(s, "stats"), "wr_bytes", 0);
      }
  return e;
}

int64_t OverlayAllocatedBytes(const fs::path& overlay) {
  auto map = RunChecked({.argv = {"qemu-img", "map", "--output=json", overlay.string()}});
  int64_t bytes = 0;
  for (const auto& extent : nlohmann::json::parse(map.out))
    if (IntField(extent, "depth", 1) == 0 && BoolField(extent, "data", false)) bytes += IntField(extent, "length", 0);
  return bytes;
}

nlohmann::json MergeBlockstats(const nlohmann::json& earlier, const nlohmann::json& later) {
  nlohmann::json merged = later.is_array() ? later : nlohmann::json::array();
  if (!earlier.is_array()) return merged;
  for (const auto& old_entry : earlier) {
    bool present = false;
    for (const auto& e : merged) present = present || StringField(e, "device") == StringField(old_entry, "device");
    if (!present) merged.push_back(old_entry);
  }
  return merged;
}

}  // namespace livecheck
