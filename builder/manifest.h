#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "builder/rootfs.h"

namespace livecheck {

namespace fs = std::filesystem;

inline constexpr int kManifestSchema = 1;

struct ArtifactRecord {
  std::string name;  ///< "kernel", "kernel-elf", "initrd", "squashfs", "stick", "iso"
  std::string file;  ///< relative to the variant directory
  uint64_t size = 0;
  std::string sha256;
};

/// DIR/<variant>/manifest.json: what was built, from what, and the root file
/// system's per-file digests (the runner verifies the live system against them).
struct BuildManifest {
  int schema = kManifestSchema;
  std::string variant;
  std::string boot;
  std::string compressor;
  std::string union_backend;
  std::vector<std::string> unions;  ///< every backend the initramfs can use
  bool toram = false;
  std::string label;
  std::string medium_fs;
  std::string kernel_version;
  std::string kernel_cmdline;
  /// How the kernel is entered: "pvh" (direct boot of the extracted
  /// vmlinux), "bzimage" (direct boot of vmlinuz) or "bootloader" (the
  /// medium's own bootloader loads vmlinuz).
  std::string kernel_entry;
  std::string kernel_entry_reason;  ///< why a direct boot is not "pvh"
  std::string cache_key;
  int64_t source_date_epoch = 0;
  std::string squashfs_stage;  ///< the stage cache entry (DIR/.cache/<name>.img/.json)
  std::vector<std::string> initramfs_modules;
  std::vector<ArtifactRecord> artifacts;
  std::vector<RootfsEntry> rootfs;
};

nlohmann::json ManifestToJson(const BuildManifest& manifest);
/// Throws Error naming `where` when the JSON does not hold a manifest.
BuildManifest ManifestFromJson(const nlohmann::json& json, const std::string& where);
/// Reads DIR/<variant>/manifest.json; nullopt when absent or unreadable.
std::optional<BuildManifest> ReadManifest(const fs::path& file);

nlohmann::json RootfsToJson(const std::vector<RootfsEntry>& entries);
std::vector<RootfsEntry> RootfsFromJson(const nlohmann::json& json);

/// The artifact with `name`, or nullptr.
const ArtifactRecord* FindArtifact(const BuildManifest& manifest, const std::string& name);

}  // namespace livecheck
