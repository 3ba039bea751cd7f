#include "evidence/mount_trace.h"

#include <array>
#include <cctype>

#include "common/json_fields.h"

namespace livecheck {
namespace {

struct Rule {
  std::string_view subject;  ///< the line's start, before the device
  std::string_view fs;
};
constexpr std::array<Rule, 9> kRules = {{{"EXT4-fs (", "ext4"},
                                         {"EXT3-fs (", "ext3"},
                                         {"EXT2-fs (", "ext2"},
                                         {"EXT4-fs warning (device ", "ext4"},
                                         {"XFS (", "xfs"},
                                         {"FAT-fs (", "vfat"},
                                         {"exFAT-fs (", "exfat"},
                                         {"F2FS-fs (", "f2fs"},
                                         {"BTRFS info (device ", "btrfs"}}};

// "[    2.911203] text" -> 2.911203 and "text".
std::string_view SplitTime(std::string_view line, double& seconds) {
  seconds = -1;
  if (line.empty() || line[0] != '[') return line;
  auto close = line.find(']');
  if (close == std::string_view::npos || close > 20) return line;
  try {
    seconds = std::stod(std::string(line.substr(1, close - 1)));
  } catch (const std::exception&) {
    seconds = -1;
  }
  line.remove_prefix(close + 1);
  while (!line.empty() && line[0] == ' ') line.remove_prefix(1);
  return line;
}

std::string Event(std::string_view fs, std::string_view text) {
  auto has = [&](std::string_view what) { return text.find(what) != std::string_view::npos; };
  if (has("recovery complete") || has("Starting recovery") || has("recovery required") || has("replaying log") ||
      has("tree-log replay"))
    return "journal-replay";
  if (has("unmounting filesystem") || has("Unmounting Filesystem") || has("last unmount of filesystem"))
    return "unmounted";
  if (has("not properly unmounted")) return "dirty-mount";
  if (has("mounted filesystem") || has("Mounting V") || has("Ending clean mount") || has("mounting ext"))
    return "mounted";
  if (fs == "btrfs") return "mounted";
  return "";
}

bool ValidDevice(std::string_view d) {
  if (d.empty() || d.size() > 32) return false;
  for (char c : d)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != '!') return false;
  return true;
}

}  // namespace

std::vector<MountEvent> ParseMountTrace(const std::vector<std::string>& lines) {
  std::vector<MountEvent> events;
  for (const auto& raw : lines) {
    double seconds;
    auto text = SplitTime(raw, seconds);
    MountEvent e{.seconds = seconds, .message = std::string(text.substr(0, 300))};
    if (text.substr(0, 7) == "Adding " && text.find(" swap on ") != std::string_view::npos) {
      auto at = text.find(" swap on ") + 9;
      auto device = text.substr(at, text.find_first_of(". ", at) - at);
      if (device.substr(0, 5) == "/dev/") device.remove_prefix(5);
      e.device = std::string(device), e.fs = "swap", e.event = "swap-on";
    } else if (text.substr(0, 3) == "md/" && text.find(": active") != std::string_view::npos) {
      auto colon = text.find(':');
      auto end = text.find(':', colon + 1);
      e.device = std::string(text.substr(colon + 1, end - colon - 1)), e.fs = "md", e.event = "activated";
    } else {
      for (const auto& rule : kRules) {
        if (text.substr(0, rule.subject.size()) != rule.subject) continue;
        auto rest = text.substr(rule.subject.size());
        auto close = rest.find(')');
        if (close == std::string_view::npos) break;
        e.device = std::string(rest.substr(0, close)), e.fs = std::string(rule.fs), e.event = Event(rule.fs, rest);
        break;
      }
    }
    if (e.event.empty() || !ValidDevice(e.device)) continue;
    // btrfs logs many lines per mount: one event of a kind per device in a row.
    if (e.fs == "btrfs" && !events.empty() && events.back().fs == "btrfs" && events.back().device == e.device &&
        events.back().event == e.event)
      continue;
    events.push_back(std::move(e));
  }
  return events;
}

bool IsOnDisk(const std::string& device, const std::string& disk) {
  if (disk.empty() || device.rfind(disk, 0) != 0) return false;
  std::string_view rest = std::string_view(device).substr(disk.size());
  if (!rest.empty() && rest[0] == 'p' && std::isdigit(static_cast<unsigned char>(disk.back()))) rest.remove_prefix(1);
  for (char c : rest)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

nlohmann::json ToJson(const MountEvent& e) {
  return {{"seconds", e.seconds}, {"device", e.device},   {"fs", e.fs},
          {"event", e.event},     {"message", e.message}, {"source", e.source}};
}

MountEvent MountEventFromJson(const nlohmann::json& j) {
  double seconds = j.is_object() && j.contains("seconds") && j["seconds"].is_number() ? j["seconds"].get<double>() : -1;
  return {.seconds = seconds, .device = StringField(j, "device"), .fs = StringField(j, "fs"),
          .event = StringField(j, "event"), .message = StringField(j, "message"),
          .source = StringField(j, "source", "kernel")};
}

}  // namespace livecheck
