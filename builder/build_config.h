#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace livecheck {

namespace fs = std::filesystem;

enum class BootPath { kDirect, kUsbBios, kUsbUefi, kIso };
enum class Compressor { kXz, kZstd, kLz4, kGzip };
enum class UnionBackend { kOverlay, kUnionfsFuse, kFuseOverlayfs, kAufs };

std::string_view Name(BootPath boot);
std::string_view Name(Compressor compressor);
std::string_view Name(UnionBackend backend);
std::optional<BootPath> ParseBootPath(std::string_view text);
std::optional<Compressor> ParseCompressor(std::string_view text);
std::optional<UnionBackend> ParseUnionBackend(std::string_view text);

/// The exclude list applied to a user-supplied rootfs tree when none is given:
/// the reference design's list (virtual file systems and build leftovers).
const std::vector<std::string>& DefaultExcludeList();

/// One image variant as declared in the TOML file, with paths already made
/// absolute (relative paths are taken from the config file's directory).
struct VariantConfig {
  std::string name;
  std::string defined_at;  ///< "file:line", for messages about this variant
  BootPath boot = BootPath::kDirect;
  Compressor compressor = Compressor::kXz;
  UnionBackend union_backend = UnionBackend::kOverlay;
  /// Further backends the initramfs can use when selected with live.union= at boot.
  std::vector<UnionBackend> extra_unions;
  bool toram = false;
  std::string label = "LIVECHECK";
  std::optional<fs::path> rootfs;  ///< empty: the built-in busybox userland
  std::vector<std::string> exclude = DefaultExcludeList();
  std::optional<fs::path> exclude_file;
  std::optional<fs::path> kernel;
  std::optional<fs::path> modules;
  std::string cmdline;     ///< extra kernel arguments
  std::vector<std::string> extra_modules;  ///< more modules the initramfs loads (e.g. ext4)
  int bench_data_mb = 0;  ///< built-in root: add /usr/share/livecheck/bench.bin of this size (benchmarks)
  int medium_wait_seconds = 30;
  /// Fixture hooks (negative controls): shell lines the initramfs runs at a named
  /// point. Only for images built to break a guarantee on purpose.
  std::string fault_after_medium;
  std::string fault_finding_medium;  ///< replaces the initramfs's find_medium (decoy controls)
};

struct BuildConfig {
  fs::path file;
  int64_t source_date_epoch = 1700000000;  ///< overridden by $SOURCE_DATE_EPOCH
  std::vector<VariantConfig> variants;
};

/// Parses a variants file. Every problem is collected as "file:line:col: message".
struct BuildConfigResult {
  BuildConfig config;
  std::vector<std::string> errors;
};
BuildConfigResult ParseBuildConfig(std::string_view text, const fs::path& file);

/// Reads and parses `file`; throws Error listing every problem, one per line.
BuildConfig LoadBuildConfig(const fs::path& file);

/// The variants named in `names` (all when empty); throws Error for an unknown name.
std::vector<VariantConfig> SelectVariants(const BuildConfig& config,
                                          const std::vector<std::string>& names);

}  // namespace livecheck
