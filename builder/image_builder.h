#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "builder/build_config.h"

namespace livecheck {

namespace fs = std::filesystem;

struct BuildOptions {
  fs::path out_dir = "out/images";
  int jobs = 1;
  /// Receives one progress line at a time ("[variant] step: detail"); may be called from worker threads.
  std::function<void(const std::string&)> progress;
};

struct VariantOutcome {
  std::string variant;
  bool reused = false;  ///< nothing changed: the previous build was kept
  fs::path dir;
  double seconds = 0;
};

/// Builds the variants into out_dir/<variant>/ (up to `jobs` at once),
/// reusing stage results and whole variants whose inputs did not change.
/// A variant directory appears only complete, with manifest.json written
/// last. Throws Error (the first failure, prefixed with the variant) when
/// any variant fails; the variants that succeeded stay in place.
std::vector<VariantOutcome> BuildImages(const BuildConfig& config, const std::vector<VariantConfig>& variants,
                                        const BuildOptions& options);

}  // namespace livecheck
