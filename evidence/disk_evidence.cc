#include "evidence/disk_evidence.h"

#include "common/json_fields.h"
#include "common/process.h"
#include "common/sha256.h"

namespace livecheck {

DiskEvidence DiskEvidenceAfterRun(const std::string& drive, const fs::path& image, const std::string& hash_before,
                                  const fs::path& overlay, const nlohmann::json& blockstats) {
  DiskEvidence e{.drive = drive, .image = image.string(), .hash_before = hash_before, .hash_after = Sha256File(image)};
  if (!overlay.empty()) {
    auto allocation = OverlayAllocationOf(overlay);
    e.overlay_allocated_bytes = allocation.bytes;
    e.written_extents = std::move(allocation.extents);
    e.written_extents_truncated = allocation.truncated;
    // The image is raw (vm_session.cc's overlays say -F raw): its bytes are
    // the "before", the overlay file's bytes at each mapped offset the "after".
    if (!allocation.mapping.empty()) {
      auto before = FileByteReader(image.string());
      e.written = AnnotateWrites(allocation.mapping, DiskLayoutOf(before, fs::file_size(image)), before,
                                 FileByteReader(overlay.string()));
    }
  }
  if (blockstats.is_array())
    for (const auto& s : blockstats)
      if (StringField(s, "device") == drive) {
        e.wr_operations = IntField(ObjectField(s, "stats"), "wr_operations", 0);
        e.wr_bytes = IntField(ObjectField(s, "stats"), "wr_bytes", 0);
      }
  return e;
}

OverlayAllocation ParseOverlayMap(const nlohmann::json& map) {
  OverlayAllocation a;
  if (!map.is_array()) return a;
  for (const auto& extent : map) {
    if (IntField(extent, "depth", 1) != 0 || !BoolField(extent, "data", false)) continue;
    int64_t offset = IntField(extent, "start", 0), length = IntField(extent, "length", 0);
    a.bytes += length;
    if (a.mapping.size() < kMaxWriteMapExtents && extent.contains("offset"))
      a.mapping.push_back({offset, length, IntField(extent, "offset", -1)});
    if (!a.extents.empty() && a.extents.back().first + a.extents.back().second == offset)
      a.extents.back().second += length;  // qemu-img splits runs at cluster boundaries
    else if (a.extents.size() < kMaxWriteMapExtents)
      a.extents.push_back({offset, length});
    else
      a.truncated = true;
  }
  return a;
}

OverlayAllocation OverlayAllocationOf(const fs::path& overlay) {
  auto map = RunChecked({.argv = {"qemu-img", "map", "--output=json", overlay.string()}});
  return ParseOverlayMap(nlohmann::json::parse(map.out));
}

nlohmann::json BlockCounterSample(double at, const std::string& after, const nlohmann::json& blockstats) {
  nlohmann::json drives = nlohmann::json::object();
  if (blockstats.is_array())
    for (const auto& s : blockstats) {
      auto stats = ObjectField(s, "stats");
      nlohmann::json counters = nlohmann::json::object();
      for (const char* key : {"rd_operations", "rd_bytes", "wr_operations", "wr_bytes"})
        counters[key] = IntField(stats, key, 0);
      std::string device = StringField(s, "device");
      if (!device.empty()) drives[device] = counters;
    }
  return {{"at_seconds", at}, {"after", after}, {"drives", drives}};
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
