#include "evidence/hazard_report.h"

#include <algorithm>

#include "common/json_fields.h"
#include "evidence/mount_trace.h"

namespace livecheck {

nlohmann::json HazardReport(const std::vector<AttachedDisk>& disks, const std::vector<DiskEvidence>& evidence,
                            const nlohmann::json& trace, const nlohmann::json& counters) {
  nlohmann::json report = nlohmann::json::array();
  for (const auto& disk : disks) {
    auto it = std::find_if(evidence.begin(), evidence.end(), [&](const DiskEvidence& e) { return e.drive == disk.drive; });
    nlohmann::json events = nlohmann::json::array();
    if (trace.is_array())
      for (const auto& t : trace)
        if (t.is_object() && IsOnDisk(StringField(t, "device"), disk.guest_name) && StringField(t, "event") != "unmounted")
          events.push_back(t);
    int64_t read = IntField(ObjectField(ObjectField(counters, "drives"), disk.drive), "rd_bytes", 0);
    int64_t written = it == evidence.end() ? 0 : it->wr_bytes;
    std::vector<std::string> regions;
    bool changed = false;
    if (it != evidence.end()) {
      regions = WrittenRegionNames(it->written);
      changed = it->overlay_allocated_bytes != 0 || it->hash_before != it->hash_after || it->wr_operations != 0;
    }
    bool only_activated = std::all_of(events.begin(), events.end(),
                                      [](const nlohmann::json& e) { return StringField(e, "event") == "activated"; });
    std::string touched = written != 0 || changed ? "written"
                          : !events.empty()       ? (only_activated ? "activated" : "mounted")
                          : read != 0             ? "read"
                                                  : "untouched";
    report.push_back({{"drive", disk.drive},
                      {"hazard", disk.hazard},
                      {"guest_name", disk.guest_name},
                      {"touched", touched},
                      {"read_bytes", read},
                      {"written_bytes", written},
                      {"events", events},
                      {"written_regions", regions}});
  }
  return report;
}

}  // namespace livecheck
