#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "builder/exclude_list.h"
#include "builder/file_tree.h"

namespace livecheck {

namespace fs = std::filesystem;

/// Where the static busybox comes from (Debian's busybox-static).
fs::path BusyboxPath();

/// Adds busybox at bin/busybox and a relative link for each applet it has
/// ("bin/sh -> busybox", "sbin/switch_root -> ../bin/busybox").
void AddBusybox(FileTree& tree, const fs::path& busybox);

/// Adds `binary` at its own path plus its shared-library closure (as ldd
/// resolves it), each at the path the dynamic loader will look for it.
void AddBinaryWithLibraries(FileTree& tree, const fs::path& binary);

/// The guest agent binary: $LIVECHECK_AGENT, or livecheck-agent beside the
/// running livecheck. Throws Error when it is missing.
fs::path AgentPath();

/// The built-in minimal userland: busybox, an init that prints the
/// root-ready marker and starts the agent, /etc basics and mount points.
FileTree BuiltinRootfsTree(const fs::path& busybox, int bench_data_mb = 0);

/// Deterministic benchmark data: per 4 KiB block half text, half pseudo-random
/// bytes, so compressors differ as on real files (std::mt19937 is fully
/// specified by the standard: equal on every machine).
std::string BenchData(int megabytes);

/// One entry of the root file system manifest.
struct RootfsEntry {
  std::string path;  ///< absolute inside the image: "/bin/busybox"
  std::string type;  ///< "file", "dir", "symlink" or "other"
  uint32_t mode = 0;
  uint64_t size = 0;
  std::string sha256;  ///< files only
  std::string target;  ///< symlinks only
};

/// Walks `root` in sorted order without following links, skipping what
/// `exclude` excludes; the top-most excluded paths go to `excluded`.
std::vector<RootfsEntry> ListRootfs(const fs::path& root, const ExcludeList& exclude,
                                    std::vector<fs::path>* excluded = nullptr);

/// A cheap fingerprint of a tree for the build cache: paths, types, sizes,
/// modes, mtimes and link targets (not contents: trees may be gigabytes).
std::string FingerprintTree(const fs::path& root, const ExcludeList& exclude);

}  // namespace livecheck
