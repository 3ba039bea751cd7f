#include "common/phase_marker.h"

#include <charconv>

namespace livecheck {
namespace {

bool ValidPhaseName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

}  // namespace

std::optional<PhaseMarker> ParsePhaseMarker(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  // Serial consoles put carriage returns at either end of a line (seen after GRUB).
  while (!line.empty() && line.front() == '\r') line.remove_prefix(1);
  constexpr std::string_view kPrefix = "@@livecheck phase=";
  if (!line.starts_with(kPrefix)) return std::nullopt;
  line.remove_prefix(kPrefix.size());
  auto space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  PhaseMarker marker;
  marker.phase = std::string(line.substr(0, space));
  if (!ValidPhaseName(marker.phase)) return std::nullopt;
  line.remove_prefix(space + 1);
  if (!line.starts_with("t=")) return std::nullopt;
  line.remove_prefix(2);
  auto end = line.find(' ');
  auto number = line.substr(0, end);
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), marker.guest_uptime);
  if (ec != std::errc() || ptr != number.data() + number.size() || marker.guest_uptime < 0) return std::nullopt;
  if (end != std::string_view::npos) marker.detail = std::string(line.substr(end + 1));
  return marker;
}

std::vector<PhaseMarker> ParsePhaseMarkers(std::string_view log) {
  std::vector<PhaseMarker> markers;
  size_t start = 0;
  while (start < log.size()) {
    auto end = log.find('\n', start);
    if (end == std::string_view::npos) end = log.size();
    if (auto m = ParsePhaseMarker(log.substr(start, end - start))) markers.push_back(*m);
    start = end + 1;
  }
  return markers;
}

}  // namespace livecheck
