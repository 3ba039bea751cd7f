#include "evidence/write_map.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "common/json_fields.h"

namespace livecheck {
namespace {

constexpr uint64_t kCompareBytes = 512;
constexpr uint64_t kCompareChunk = 1ull << 20;

std::string Hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

class Annotator {
 public:
  Annotator(const std::vector<DiskRegion>& layout, const ByteReader& before, const ByteReader& after, WriteMapDetail& out)
      : layout_(layout), before_(before), after_(after), out_(out) {}

  // One changed run of whole sectors, cut where the region changes.
  void AddChanged(const MappedExtent& e, uint64_t start, uint64_t end) {
    auto cuts = RegionBoundariesIn(layout_, start, end - start);
    cuts.push_back(end);
    uint64_t from = start;
    for (uint64_t to : cuts) {
      Add(e, from, to, false);
      from = to;
    }
  }

  void Add(const MappedExtent& e, uint64_t from, uint64_t to, bool unchanged) {
    if (out_.ranges.size() >= kMaxWrittenRanges) {
      out_.truncated = true;
      return;
    }
    uint64_t host = static_cast<uint64_t>(e.host_offset) + (from - static_cast<uint64_t>(e.offset));
    auto a = before_(from, std::min<uint64_t>(to - from, kCompareBytes));
    auto b = after_(host, std::min<uint64_t>(to - from, kCompareBytes));
    size_t first = 0;
    while (first < a.size() && first < b.size() && a[first] == b[first]) ++first;
    if (first == a.size() || first == b.size()) first = 0;
    out_.ranges.push_back({.offset = from,
                           .length = to - from,
                           .where = RegionNameAt(layout_, from),
                           .sample_offset = from + first,
                           .before = Hex(a.substr(std::min(first, a.size()), kWriteMapSampleBytes)),
                           .after = Hex(b.substr(std::min(first, b.size()), kWriteMapSampleBytes)),
                           .unchanged = unchanged});
  }

  void Extent(const MappedExtent& e, uint64_t& budget) {
    uint64_t offset = static_cast<uint64_t>(e.offset), length = static_cast<uint64_t>(e.length);
    if (length > budget) {
      out_.truncated = true;
      return;
    }
    budget -= length;
    bool any_change = false;
    std::optional<uint64_t> run;
    for (uint64_t done = 0; done < length; done += kCompareChunk) {
      uint64_t n = std::min(kCompareChunk, length - done);
      auto a = before_(offset + done, n);
      auto b = after_(static_cast<uint64_t>(e.host_offset) + done, n);
      a.resize(n, '\0');  // past the image's end reads as zeros, as QEMU reads it
      for (uint64_t s = 0; s < n; s += kCompareBytes) {
        uint64_t len = std::min(kCompareBytes, n - s);
        bool differs = s >= b.size() ? false : a.compare(s, len, b, s, std::min<uint64_t>(len, b.size() - s)) != 0;
        uint64_t at = offset + done + s;
        if (differs && !run) run = at;
        if (!differs && run) {
          AddChanged(e, *run, at);
          run.reset();
        }
        any_change |= differs;
      }
    }
    if (run) AddChanged(e, *run, offset + length);
    if (!any_change) Add(e, offset, offset + length, true);
  }

 private:
  const std::vector<DiskRegion>& layout_;
  const ByteReader& before_;
  const ByteReader& after_;
  WriteMapDetail& out_;
};

}  // namespace

WriteMapDetail AnnotateWrites(const std::vector<MappedExtent>& extents, const std::vector<DiskRegion>& layout,
                              const ByteReader& before, const ByteReader& after) {
  WriteMapDetail out;
  Annotator annotator(layout, before, after, out);
  uint64_t budget = kMaxComparedBytes;
  for (const auto& e : extents)
    if (e.offset >= 0 && e.length > 0 && e.host_offset >= 0) annotator.Extent(e, budget);
  return out;
}

std::vector<std::string> WrittenRegionNames(const WriteMapDetail& detail) {
  std::vector<std::string> names;
  for (const auto& r : detail.ranges)
    if (!r.unchanged && std::find(names.begin(), names.end(), r.where) == names.end()) names.push_back(r.where);
  return names;
}

nlohmann::json ToJson(const WrittenRange& r) {
  nlohmann::json j = {{"offset", r.offset}, {"length", r.length}, {"where", r.where},
                      {"sample_offset", r.sample_offset}, {"before", r.before}, {"after", r.after}};
  if (r.unchanged) j["unchanged"] = true;
  return j;
}

WrittenRange WrittenRangeFromJson(const nlohmann::json& j) {
  return {.offset = static_cast<uint64_t>(IntField(j, "offset", 0)),
          .length = static_cast<uint64_t>(IntField(j, "length", 0)),
          .where = StringField(j, "where"),
          .sample_offset = static_cast<uint64_t>(IntField(j, "sample_offset", 0)),
          .before = StringField(j, "before"),
          .after = StringField(j, "after"),
          .unchanged = BoolField(j, "unchanged", false)};
}

}  // namespace livecheck
