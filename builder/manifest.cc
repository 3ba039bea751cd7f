#include "builder/manifest.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"

namespace livecheck {

nlohmann::json RootfsToJson(const std::vector<RootfsEntry>& entries) {
  auto out = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json j = {{"path", e.path}, {"type", e.type}, {"mode", fmt::format("{:04o}", e.mode)}};
    if (e.type == "file") {
      j["size"] = e.size;
      j["sha256"] = e.sha256;
    }
    if (e.type == "symlink") j["target"] = e.target;
    out.push_back(j);
  }
  return out;
}

std::vector<RootfsEntry> RootfsFromJson(const nlohmann::json& json) {
  std::vector<RootfsEntry> entries;
  for (const auto& j : json) {
    RootfsEntry e;
    e.path = j.at("path").get<std::string>();
    e.type = j.at("type").get<std::string>();
    e.mode = static_cast<uint32_t>(std::stoul(j.at("mode").get<std::string>(), nullptr, 8));
    e.size = j.value("size", uint64_t{0});
    e.sha256 = j.value("sha256", "");
    e.target = j.value("target", "");
    entries.push_back(e);
  }
  return entries;
}

nlohmann::json ManifestToJson(const BuildManifest& m) {
  auto artifacts = nlohmann::json::array();
  for (const auto& a : m.artifacts)
    artifacts.push_back({{"name", a.name}, {"file", a.file}, {"size", a.size}, {"sha256", a.sha256}});
  return {
      {"schema", m.schema},
      {"variant", m.variant},
      {"boot", m.boot},
      {"compressor", m.compressor},
      {"union", m.union_backend},
      {"unions", m.unions},
      {"toram", m.toram},
      {"label", m.label},
      {"medium_fs", m.medium_fs},
      {"kernel_version", m.kernel_version},
      {"kernel_cmdline", m.kernel_cmdline},
      {"kernel_entry", m.kernel_entry},
      {"kernel_entry_reason", m.kernel_entry_reason},
      {"cache_key", m.cache_key},
      {"source_date_epoch", m.source_date_epoch},
      {"squashfs_stage", m.squashfs_stage},
      {"initramfs_modules", m.initramfs_modules},
      {"artifacts", artifacts},
      {"rootfs", RootfsToJson(m.rootfs)},
  };
}

BuildManifest ManifestFromJson(const nlohmann::json& j, const std::string& where) {
  try {
    BuildManifest m;
    m.schema = j.at("schema").get<int>();
    if (m.schema != kManifestSchema)
      throw Error(fmt::format("{}: manifest schema {} is not the supported {}", where, m.schema, kManifestSchema));
    m.variant = j.at("variant").get<std::string>();
    m.boot = j.at("boot").get<std::string>();
    m.compressor = j.at("compressor").get<std::string>();
    m.union_backend = j.at("union").get<std::string>();
    m.unions = j.at("unions").get<std::vector<std::string>>();
    m.toram = j.at("toram").get<bool>();
    m.label = j.at("label").get<std::string>();
    m.medium_fs = j.at("medium_fs").get<std::string>();
    m.kernel_version = j.at("kernel_version").get<std::string>();
    m.kernel_cmdline = j.at("kernel_cmdline").get<std::string>();
    m.kernel_entry = j.value("kernel_entry", "");
    m.kernel_entry_reason = j.value("kernel_entry_reason", "");
    m.cache_key = j.at("cache_key").get<std::string>();
    m.source_date_epoch = j.at("source_date_epoch").get<int64_t>();
    m.squashfs_stage = j.value("squashfs_stage", "");
    m.initramfs_modules = j.at("initramfs_modules").get<std::vector<std::string>>();
    for (const auto& a : j.at("artifacts"))
      m.artifacts.push_back({a.at("name").get<std::string>(), a.at("file").get<std::string>(),
                             a.at("size").get<uint64_t>(), a.at("sha256").get<std::string>()});
    m.rootfs = RootfsFromJson(j.at("rootfs"));
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not a livecheck build manifest: {}", where, e.what()));
  }
}

std::optional<BuildManifest> ReadManifest(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  try {
    return ManifestFromJson(nlohmann::json::parse(ReadFile(file)), file.string());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

const ArtifactRecord* FindArtifact(const BuildManifest& manifest, const std::string& name) {
  for (const auto& a : manifest.artifacts)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace livecheck
