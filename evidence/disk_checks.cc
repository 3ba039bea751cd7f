#include "evidence/disk_checks.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/json_fields.h"
#include "evidence/mount_facts.h"
#include "evidence/mount_trace.h"

namespace livecheck {

nlohmann::json ToJson(const DiskEvidence& d) {
  nlohmann::json j = {{"drive", d.drive},
                      {"image", d.image},
                      {"sha256_before", d.hash_before},
                      {"sha256_after", d.hash_after},
                      {"wr_operations", d.wr_operations},
                      {"wr_bytes", d.wr_bytes},
                      {"overlay_allocated_bytes", d.overlay_allocated_bytes}};
  if (!d.written_extents.empty()) {
    j["write_map"] = nlohmann::json::array();
    for (const auto& [offset, length] : d.written_extents) j["write_map"].push_back({offset, length});
    if (d.written_extents_truncated) j["write_map_truncated"] = true;
  }
  if (!d.written.ranges.empty()) {
    j["written"] = nlohmann::json::array();
    for (const auto& r : d.written.ranges) j["written"].push_back(ToJson(r));
    if (d.written.truncated) j["written_truncated"] = true;
  }
  return j;
}

DiskEvidence DiskEvidenceFromJson(const nlohmann::json& j) {
  DiskEvidence d{.drive = StringField(j, "drive"), .image = StringField(j, "image"),
                 .hash_before = StringField(j, "sha256_before"), .hash_after = StringField(j, "sha256_after"),
                 .wr_operations = IntField(j, "wr_operations", 0), .wr_bytes = IntField(j, "wr_bytes", 0),
                 .overlay_allocated_bytes = IntField(j, "overlay_allocated_bytes", 0)};
  if (j.is_object() && j.contains("write_map") && j["write_map"].is_array())
    for (const auto& e : j["write_map"])
      if (e.is_array() && e.size() == 2 && e[0].is_number_integer() && e[1].is_number_integer())
        d.written_extents.push_back({e[0].get<int64_t>(), e[1].get<int64_t>()});
  d.written_extents_truncated = BoolField(j, "write_map_truncated", false);
  if (j.is_object() && j.contains("written") && j["written"].is_array())
    for (const auto& r : j["written"])
      if (r.is_object() && d.written.ranges.size() < kMaxWrittenRanges) d.written.ranges.push_back(WrittenRangeFromJson(r));
  d.written.truncated = BoolField(j, "written_truncated", false);
  return d;
}

namespace {

// "; changed: p1 ext4 'INTERNAL': journal, ..." (at most four names), or "".
std::string ChangedRegions(const DiskEvidence& d) {
  auto names = WrittenRegionNames(d.written);
  if (names.empty()) return "";
  size_t shown = std::min<size_t>(names.size(), 4);
  std::vector<std::string> head(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(shown));
  return fmt::format("; changed: {}{}", fmt::join(head, ", "),
                     names.size() > shown ? fmt::format(" and {} more", names.size() - shown) : "");
}

}  // namespace

CheckResult CheckNoDiskWrites(const std::vector<DiskEvidence>& disks) {
  nlohmann::json evidence = nlohmann::json::array();
  std::string problem;
  for (const auto& d : disks) {
    evidence.push_back(ToJson(d));
    if (!problem.empty()) continue;
    if (d.wr_operations != 0 || d.wr_bytes != 0)
      problem = fmt::format("{}: {} write operations, {} bytes written{}", d.drive, d.wr_operations, d.wr_bytes,
                            ChangedRegions(d));
    else if (d.overlay_allocated_bytes != 0)
      problem = fmt::format("{}: {} bytes allocated in its overlay{}", d.drive, d.overlay_allocated_bytes,
                            ChangedRegions(d));
    else if (d.hash_before != d.hash_after)
      problem = fmt::format("{}: the image {} changed", d.drive, d.image);
  }
  if (!problem.empty()) return Verdict("no-disk-writes", false, problem, evidence);
  return Verdict("no-disk-writes", true, fmt::format("{} disk(s): 0 writes, images unchanged", disks.size()), evidence);
}

CheckResult CheckInternalDiskUntouched(const DiskEvidence& disk, const std::string& guest_name,
                                       const nlohmann::json& mounts, const nlohmann::json& swaps,
                                       const nlohmann::json& trace) {
  // The trace's events on this disk only: the whole trace is the run's.
  nlohmann::json on_disk = nlohmann::json::array();
  for (const auto& t : Objects(trace))
    if (IsOnDisk(StringField(t, "device"), guest_name)) on_disk.push_back(t);
  nlohmann::json evidence = {{"disk", ToJson(disk)}, {"guest_name", guest_name}, {"mounts", mounts}, {"swaps", swaps},
                             {"trace", on_disk}};
  if (!guest_name.empty()) {
    std::string device = "/dev/" + guest_name;
    for (const auto& m : Objects(mounts))
      if (StringField(m, "source").rfind(device, 0) == 0)
        return Verdict("internal-disk-untouched", false,
                       fmt::format("{} was mounted at {}", StringField(m, "source"), StringField(m, "mount_point")), evidence);
    for (const auto& s : Objects(swaps))
      if (StringField(s, "device").rfind(device, 0) == 0)
        return Verdict("internal-disk-untouched", false, fmt::format("{} was used as swap", StringField(s, "device")),
                       evidence);
    for (const auto& t : Objects(on_disk)) {
      auto e = MountEventFromJson(t);
      if (e.source == "block-devices")
        return Verdict("internal-disk-untouched", false,
                       fmt::format("/dev/{} was activated ({}): {}, in the guest's block devices", e.device, e.fs,
                                   e.message.substr(0, 160)),
                       evidence);
      std::string when = e.seconds < 0 ? "" : fmt::format(" at {:.2f} s", e.seconds);
      return Verdict("internal-disk-untouched", false,
                     fmt::format("/dev/{} {} ({}){}, kernel log: \"{}\"", e.device,
                                 e.event == "journal-replay" ? "had its journal replayed"
                                 : e.event == "swap-on"      ? "was used as swap"
                                 : e.event == "activated"    ? "was assembled"
                                                             : "was mounted",
                                 e.fs, when, e.message.substr(0, 160)),
                     evidence);
    }
  }
  if (disk.wr_operations != 0 || disk.wr_bytes != 0 || disk.hash_before != disk.hash_after ||
      disk.overlay_allocated_bytes != 0)
    return Verdict("internal-disk-untouched", false,
                   fmt::format("the internal disk was written: {} operations, {} bytes{}", disk.wr_operations,
                               disk.wr_bytes, ChangedRegions(disk)),
                   evidence);
  return Verdict("internal-disk-untouched", true,
                 fmt::format("internal disk ({}) never mounted, never swap, never written",
                             guest_name.empty() ? "not seen by the guest" : guest_name),
                 evidence);
}

CheckResult CombineInternalDiskVerdicts(const std::vector<std::string>& drives, const std::vector<CheckResult>& each) {
  if (each.size() == 1) return each[0];
  nlohmann::json evidence = {{"per_disk", nlohmann::json::array()}};
  std::vector<std::string> names;
  for (const auto& c : each) {
    evidence["per_disk"].push_back(c.evidence);
    auto name = c.evidence.is_object() ? StringField(c.evidence, "guest_name") : "";
    names.push_back(name.empty() ? "not seen by the guest" : name);
  }
  for (size_t i = 0; i < each.size(); ++i)
    if (each[i].status != Status::kPass)
      return {"internal-disk-untouched", each[i].status,
              fmt::format("{}: {}", i < drives.size() ? drives[i] : "internal", each[i].summary), evidence};
  return Verdict("internal-disk-untouched", true,
                 fmt::format("{} internal disks ({}) never mounted, never swap, never written", each.size(),
                             fmt::join(names, ", ")),
                 evidence);
}

}  // namespace livecheck
