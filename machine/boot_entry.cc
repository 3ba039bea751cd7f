#include "machine/boot_entry.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <fmt/format.h>

namespace livecheck {
namespace {

constexpr int kMaxIncludeDepth = 8;

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Splits "keyword rest of line".
std::pair<std::string, std::string> Keyword(const std::string& line) {
  auto t = Trim(line);
  size_t space = t.find_first_of(" \t");
  if (space == std::string::npos) return {Lower(t), ""};
  return {Lower(t.substr(0, space)), Trim(t.substr(space + 1))};
}

std::string Directory(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

std::string Absolute(const std::string& dir, const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  return (dir == "/" ? "" : dir) + "/" + path;
}

std::vector<std::string> SplitWords(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// Moves initrd=a,b out of a command line into `initrds`; drops BOOT_IMAGE=.
std::string TakeInitrds(const std::string& append, const std::string& dir, std::vector<std::string>& initrds) {
  std::string rest;
  for (const auto& word : SplitWords(append)) {
    if (word.rfind("initrd=", 0) == 0) {
      std::stringstream list(word.substr(7));
      for (std::string item; std::getline(list, item, ',');)
        if (!item.empty()) initrds.push_back(Absolute(dir, item));
    } else if (word.rfind("BOOT_IMAGE=", 0) != 0) {
      rest += (rest.empty() ? "" : " ") + word;
    }
  }
  return rest;
}

struct SyslinuxLine {
  std::string file;
  std::string text;
};

bool ReadSyslinuxLines(const std::string& path, const ReadMediumFile& read, int depth, std::vector<SyslinuxLine>& out,
                       std::string& error) {
  if (depth > kMaxIncludeDepth) {
    error = fmt::format("{}: includes nest deeper than {}", path, kMaxIncludeDepth);
    return false;
  }
  auto text = read(path);
  if (!text) {
    error = fmt::format("{}: not on the medium", path);
    return false;
  }
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    auto [key, rest] = Keyword(line);
    if (key == "menu" && Lower(rest).rfind("include", 0) == 0) std::tie(key, rest) = Keyword(rest);
    if (key == "include") {
      auto words = SplitWords(rest);
      if (words.empty()) continue;
      if (!ReadSyslinuxLines(Absolute(Directory(path), words[0]), read, depth + 1, out, error)) return false;
      continue;
    }
    out.push_back({path, line});
  }
  return true;
}

struct Label {
  std::string name, file, kernel, initrd, append;
  bool menu_default = false;
};

}  // namespace

std::optional<BootEntry> ParseSyslinuxConfig(const std::string& path, const ReadMediumFile& read, std::string& error) {
  std::vector<SyslinuxLine> lines;
  if (!ReadSyslinuxLines(path, read, 0, lines, error)) return std::nullopt;
  std::vector<Label> labels;
  std::string default_name, ontimeout;
  for (const auto& [file, line] : lines) {
    auto [key, rest] = Keyword(line);
    if (key == "label") {
      labels.push_back({.name = rest, .file = file});
    } else if (key == "default") {
      default_name = rest;
    } else if (key == "ontimeout") {
      ontimeout = rest;
    } else if (!labels.empty()) {
      auto& l = labels.back();
      if (key == "kernel" || key == "linux") l.kernel = rest;
      else if (key == "initrd") l.initrd = rest;
      else if (key == "append") l.append = rest;
      else if (key == "menu" && Lower(Trim(rest)) == "default") l.menu_default = true;
    }
  }
  const Label* chosen = nullptr;
  auto by_name = [&](const std::string& name) -> const Label* {
    for (const auto& l : labels)
      if (l.name == name && !l.kernel.empty()) return &l;
    return nullptr;
  };
  for (const auto& l : labels)
    if (l.menu_default && !l.kernel.empty() && !chosen) chosen = &l;
  if (!chosen && !ontimeout.empty()) chosen = by_name(ontimeout);
  if (!chosen && !default_name.empty()) chosen = by_name(SplitWords(default_name).empty() ? "" : SplitWords(default_name)[0]);
  if (!chosen)
    for (const auto& l : labels)
      if (!l.kernel.empty() && l.kernel.find(".c32") == std::string::npos) {
        chosen = &l;
        break;
      }
  if (!chosen) {
    error = fmt::format("{}: no label with a kernel", path);
    return std::nullopt;
  }
  auto dir = Directory(path);
  BootEntry entry{.kernel = Absolute(dir, SplitWords(chosen->kernel)[0]),
                  .source = fmt::format("{}: label {}", chosen->file, chosen->name)};
  std::stringstream initrd_list(chosen->initrd);
  for (std::string item; std::getline(initrd_list, item, ',');)
    if (!Trim(item).empty()) entry.initrds.push_back(Absolute(dir, Trim(item)));
  entry.append = TakeInitrds(chosen->append, dir, entry.initrds);
  if (entry.initrds.empty()) {
    error = fmt::format("{}: label {} has no initrd", chosen->file, chosen->name);
    return std::nullopt;
  }
  return entry;
}

std::optional<BootEntry> ParseGrubConfig(const std::string& path, const std::string& text, std::string& error) {
  struct Entry {
    std::string title, kernel_line, initrd_line;
  };
  std::vector<Entry> entries;
  std::string default_value = "0";
  int depth = 0;
  int entry_depth = -1;
  std::istringstream in(text);
  for (std::string raw; std::getline(in, raw);) {
    auto line = Trim(raw);
    if (line.empty() || line[0] == '#') continue;
    auto [key, rest] = Keyword(line);
    if (key == "set" && rest.rfind("default=", 0) == 0) {
      default_value = rest.substr(8);
      default_value.erase(std::remove(default_value.begin(), default_value.end(), '"'), default_value.end());
      default_value.erase(std::remove(default_value.begin(), default_value.end(), '\''), default_value.end());
    } else if (key == "menuentry" && depth == 0) {
      std::string title;
      if (!rest.empty() && (rest[0] == '\'' || rest[0] == '"')) {
        auto close = rest.find(rest[0], 1);
        title = rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
      }
      entries.push_back({.title = title});
      entry_depth = depth + 1;
    } else if (depth == entry_depth && (key == "linux" || key == "linuxefi" || key == "linux16")) {
      entries.back().kernel_line = rest;
    } else if (depth == entry_depth && (key == "initrd" || key == "initrdefi" || key == "initrd16")) {
      entries.back().initrd_line = rest;
    }
    depth += static_cast<int>(std::count(line.begin(), line.end(), '{')) -
             static_cast<int>(std::count(line.begin(), line.end(), '}'));
    if (depth < entry_depth) entry_depth = -1;
  }
  const Entry* chosen = nullptr;
  char* end = nullptr;
  long index = std::strtol(default_value.c_str(), &end, 10);
  if (end && *end == '\0' && index >= 0 && static_cast<size_t>(index) < entries.size()) chosen = &entries[static_cast<size_t>(index)];
  for (const auto& e : entries)
    if (!chosen && e.title == default_value) chosen = &e;
  if (!chosen && !entries.empty()) chosen = &entries[0];
  if (!chosen || chosen->kernel_line.empty()) {
    error = fmt::format("{}: no menuentry with a linux line", path);
    return std::nullopt;
  }
  auto words = SplitWords(chosen->kernel_line);
  BootEntry entry{.kernel = words[0], .source = fmt::format("{}: menuentry '{}'", path, chosen->title)};
  std::string append;
  for (size_t i = 1; i < words.size(); ++i) append += (append.empty() ? "" : " ") + words[i];
  entry.initrds = SplitWords(chosen->initrd_line);
  entry.append = TakeInitrds(append, Directory(path), entry.initrds);
  for (const auto& p : entry.initrds)
    if (p.find('$') != std::string::npos || p.empty() || p[0] != '/') {
      error = fmt::format("{}: initrd path '{}' needs grub's variables; give --kernel/--initrd", path, p);
      return std::nullopt;
    }
  if (entry.kernel.find('$') != std::string::npos || entry.kernel[0] != '/' || entry.initrds.empty()) {
    error = fmt::format("{}: menuentry '{}' needs grub's variables or has no initrd; give --kernel/--initrd", path,
                        chosen->title);
    return std::nullopt;
  }
  return entry;
}

}  // namespace livecheck
