#include "builder/build_config.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "common/error.h"
#include "common/file_util.h"

namespace livecheck {
namespace {

constexpr std::array<std::pair<BootPath, std::string_view>, 4> kBootNames{{
    {BootPath::kDirect, "direct"},
    {BootPath::kUsbBios, "usb-bios"},
    {BootPath::kUsbUefi, "usb-uefi"},
    {BootPath::kIso, "iso"},
}};
constexpr std::array<std::pair<Compressor, std::string_view>, 4> kCompressorNames{{
    {Compressor::kXz, "xz"},
    {Compressor::kZstd, "zstd"},
    {Compressor::kLz4, "lz4"},
    {Compressor::kGzip, "gzip"},
}};
constexpr std::array<std::pair<UnionBackend, std::string_view>, 4> kUnionNames{{
    {UnionBackend::kOverlay, "overlay"},
    {UnionBackend::kUnionfsFuse, "unionfs-fuse"},
    {UnionBackend::kFuseOverlayfs, "fuse-overlayfs"},
    {UnionBackend::kAufs, "aufs"},
}};

template <typename Enum, size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "?";
}

template <typename Enum, size_t N>
std::optional<Enum> Lookup(const std::array<std::pair<Enum, std::string_view>, N>& table,
                           std::string_view text) {
  for (const auto& [v, name] : table)
    if (name == text) return v;
  return std::nullopt;
}

template <typename Enum, size_t N>
std::string Choices(const std::array<std::pair<Enum, std::string_view>, N>& table) {
  std::string out;
  for (const auto& [v, name] : table) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

const std::set<std::string> kVariantKeys = {
    "boot",   "compressor", "union",  "extra_unions", "toram",   "label",
    "rootfs", "exclude",    "exclude_file", "kernel", "modules", "cmdline",
    "medium_wait_seconds",  "fault_after_medium", "fault_finding_medium", "extra_modules", "bench_data_mb"};

// Collects errors while walking one TOML document.
class ConfigReader {
 public:
  ConfigReader(const fs::path& file, std::vector<std::string>& errors)
      : file_(file), base_dir_(file.parent_path()), errors_(errors) {}

  std::string Where(const toml::node& node) const {
    const auto& begin = node.source().begin;
    return fmt::format("{}:{}:{}", file_.string(), begin.line, begin.column);
  }

  void Fail(const toml::node& node, const std::string& message) {
    const auto& begin = node.source().begin;
    positioned_.push_back({{begin.line, begin.column}, fmt::format("{}: {}", Where(node), message)});
  }

  // toml++ walks tables in key order; users read errors in file order.
  void Flush() {
    std::stable_sort(positioned_.begin(), positioned_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [position, message] : positioned_) errors_.push_back(std::move(message));
    positioned_.clear();
  }

  // Applies the keys of `table` on top of `variant`.
  void ApplyKeys(const toml::table& table, const std::string& section, VariantConfig& variant) {
    for (const auto& [key, node] : table) {
      std::string k(key.str());
      if (kVariantKeys.count(k) == 0) {
        Fail(node, fmt::format("unknown key '{}' in [{}]", k, section));
        continue;
      }
      ApplyKey(k, node, variant);
    }
  }

  std::optional<std::string> String(const std::string& key, const toml::node& node) {
    if (auto v = node.value<std::string>()) return *v;
    Fail(node, fmt::format("'{}' must be a string", key));
    return std::nullopt;
  }

  fs::path Path(const std::string& text) const {
    fs::path p(text);
    return p.is_absolute() ? p : (base_dir_ / p).lexically_normal();
  }

  std::vector<std::string> StringList(const std::string& key, const toml::node& node) {
    std::vector<std::string> out;
    const auto* array = node.as_array();
    if (array == nullptr) {
      Fail(node, fmt::format("'{}' must be an array of strings", key));
      return out;
    }
    for (const auto& item : *array) {
      if (auto v = item.value<std::string>()) out.push_back(*v);
      else Fail(item, fmt::format("'{}' must contain only strings", key));
    }
    return out;
  }

  void ApplyKey(const std::string& key, const toml::node& node, VariantConfig& variant) {
    if (key == "boot") {
      if (auto s = String(key, node)) {
        if (auto v = ParseBootPath(*s)) variant.boot = *v;
        else Fail(node, fmt::format("unknown boot path '{}' (expected {})", *s, Choices(kBootNames)));
      }
    } else if (key == "compressor") {
      if (auto s = String(key, node)) {
        if (auto v = ParseCompressor(*s)) variant.compressor = *v;
        else Fail(node, fmt::format("unknown compressor '{}' (expected {})", *s, Choices(kCompressorNames)));
      }
    } else if (key == "union") {
      if (auto s = String(key, node)) {
        if (auto v = ParseUnionBackend(*s)) variant.union_backend = *v;
        else Fail(node, fmt::format("unknown union backend '{}' (expected {})", *s, Choices(kUnionNames)));
      }
    } else if (key == "extra_unions") {
      variant.extra_unions.clear();
      for (const auto& s : StringList(key, node)) {
        if (auto v = ParseUnionBackend(s)) variant.extra_unions.push_back(*v);
        else Fail(node, fmt::format("unknown union backend '{}' (expected {})", s, Choices(kUnionNames)));
      }
    } else if (key == "toram") {
      if (auto v = node.value<bool>()) variant.toram = *v;
      else Fail(node, "'toram' must be true or false");
    } else if (key == "label") {
      if (auto s = String(key, node)) {
        // FAT labels hold 11 characters; blkid reports them upper-case.
        bool ok = !s->empty() && s->size() <= 11;
        for (char c : *s) ok = ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
        if (ok) variant.label = *s;
        else Fail(node, fmt::format("label '{}' must be 1-11 characters of A-Z, 0-9, '-' or '_'", *s));
      }
    } else if (key == "rootfs") {
      if (auto s = String(key, node)) variant.rootfs = Path(*s);
    } else if (key == "exclude") {
      variant.exclude = StringList(key, node);
    } else if (key == "exclude_file") {
      if (auto s = String(key, node)) variant.exclude_file = Path(*s);
    } else if (key == "kernel") {
      if (auto s = String(key, node)) variant.kernel = Path(*s);
    } else if (key == "modules") {
      if (auto s = String(key, node)) variant.modules = Path(*s);
    } else if (key == "cmdline") {
      if (auto s = String(key, node)) variant.cmdline = *s;
    } else if (key == "medium_wait_seconds") {
      auto v = node.value<int64_t>();
      if (v && *v > 0 && *v <= 3600) variant.medium_wait_seconds = static_cast<int>(*v);
      else Fail(node, "'medium_wait_seconds' must be an integer from 1 to 3600");
    } else if (key == "bench_data_mb") {
      auto v = node.value<int64_t>();
      if (v && *v >= 0 && *v <= 1024) variant.bench_data_mb = static_cast<int>(*v);
      else Fail(node, "'bench_data_mb' must be an integer from 0 to 1024");
    } else if (key == "extra_modules") {
      variant.extra_modules = StringList(key, node);
    } else if (key == "fault_after_medium") {
      if (auto s = String(key, node)) variant.fault_after_medium = *s;
    } else if (key == "fault_finding_medium") {
      if (auto s = String(key, node)) variant.fault_finding_medium = *s;
    }
  }

 private:
  fs::path file_;
  fs::path base_dir_;
  std::vector<std::string>& errors_;
  std::vector<std::pair<std::pair<uint32_t, uint32_t>, std::string>> positioned_;
};

}  // namespace

std::string_view Name(BootPath boot) { return NameOf(kBootNames, boot); }
std::string_view Name(Compressor compressor) { return NameOf(kCompressorNames, compressor); }
std::string_view Name(UnionBackend backend) { return NameOf(kUnionNames, backend); }
std::optional<BootPath> ParseBootPath(std::string_view text) { return Lookup(kBootNames, text); }
std::optional<Compressor> ParseCompressor(std::string_view text) { return Lookup(kCompressorNames, text); }
std::optional<UnionBackend> ParseUnionBackend(std::string_view text) { return Lookup(kUnionNames, text); }

const std::vector<std::string>& DefaultExcludeList() {
  static const std::vector<std::string> list = {"sys/", "proc/", "dev/", "run/", "usr/portage/", "usr/src/"};
  return list;
}

BuildConfigResult ParseBuildConfig(std::string_view text, const fs::path& file) {
  BuildConfigResult result;
  result.config.file = file;
  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    result.errors.push_back(
        fmt::format("{}:{}:{}: {}", file.string(), begin.line, begin.column, e.description()));
    return result;
  }
  ConfigReader reader(file, result.errors);

  VariantConfig defaults;
  for (const auto& [key, node] : root) {
    std::string k(key.str());
    if (k == "source_date_epoch") {
      if (auto v = node.value<int64_t>(); v && *v >= 0) result.config.source_date_epoch = *v;
      else reader.Fail(node, "'source_date_epoch' must be a non-negative integer");
    } else if (k == "defaults") {
      if (const auto* table = node.as_table()) reader.ApplyKeys(*table, "defaults", defaults);
      else reader.Fail(node, "'defaults' must be a table");
    } else if (k != "variant") {
      reader.Fail(node, fmt::format("unknown key '{}' (expected source_date_epoch, [defaults] or [variant.NAME])", k));
    }
  }

  if (const auto* variants = root["variant"].as_table()) {
    for (const auto& [key, node] : *variants) {
      std::string name(key.str());
      const auto* table = node.as_table();
      if (table == nullptr) {
        reader.Fail(node, fmt::format("'variant.{}' must be a table", name));
        continue;
      }
      VariantConfig variant = defaults;
      variant.name = name;
      variant.defined_at = fmt::format("{}:{}", file.string(), node.source().begin.line);
      reader.ApplyKeys(*table, "variant." + name, variant);
      result.config.variants.push_back(std::move(variant));
    }
  } else if (root.contains("variant")) {
    reader.Fail(*root.get("variant"), "'variant' must be a table of [variant.NAME] tables");
  }
  reader.Flush();
  if (result.config.variants.empty() && !root.contains("variant"))
    result.errors.push_back(fmt::format("{}: no [variant.NAME] tables declared", file.string()));

  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    char* end = nullptr;
    long long v = std::strtoll(epoch, &end, 10);
    if (*end == '\0' && v >= 0) result.config.source_date_epoch = v;
    else result.errors.push_back(fmt::format("$SOURCE_DATE_EPOCH: '{}' is not a non-negative integer", epoch));
  }
  return result;
}

BuildConfig LoadBuildConfig(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw Error(fmt::format("{}: no such config file", file.string()));
  auto result = ParseBuildConfig(ReadFile(file), file);
  if (!result.errors.empty()) {
    std::string message;
    for (const auto& e : result.errors) message += (message.empty() ? "" : "\n") + e;
    throw Error(message);
  }
  return std::move(result.config);
}

std::vector<VariantConfig> SelectVariants(const BuildConfig& config, const std::vector<std::string>& names) {
  if (names.empty()) return config.variants;
  std::vector<VariantConfig> selected;
  for (const auto& name : names) {
    auto it = std::find_if(config.variants.begin(), config.variants.end(),
                           [&](const VariantConfig& v) { return v.name == name; });
    if (it == config.variants.end())
      throw Error(fmt::format("--variant {}: no such variant in {}", name, config.file.string()));
    selected.push_back(*it);
  }
  return selected;
}

}  // namespace livecheck
