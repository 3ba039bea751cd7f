#pragma once
#include <string>
#include <vector>

#include "builder/build_config.h"
#include "builder/module_resolver.h"
#include "runner/scenario.h"

namespace livecheck {

/// What `livecheck bench` compares.
struct BenchConfig {
  std::vector<UnionBackend> backends;
  std::vector<Compressor> compressors;
  std::vector<std::string> workloads;  ///< in run order (lower-layer reads before copy-up)
  int repeat = 3;
  bool toram = true;                   ///< also time the RAM copy (overlay, per compressor)
  int bench_data_mb = 16;
};

/// The default workload order: reads of the lower layer come before copy-up,
/// which moves the benchmark file into the upper layer.
const std::vector<std::string>& DefaultWorkloads();

struct UnavailableBackend {
  std::string backend;
  std::string reason;
};

/// Which backends this kernel and host can provide; the rest with a reason.
/// `have_binary` answers whether a FUSE daemon is installed.
std::vector<UnionBackend> AvailableBackends(const std::vector<UnionBackend>& wanted, const ModuleIndex& index,
                                            bool (*have_binary)(const std::string&),
                                            std::vector<UnavailableBackend>& unavailable);

/// One image per compressor ("bench-xz"), booted with each backend through
/// live.union=, so images are not rebuilt per backend.
std::vector<VariantConfig> BenchVariants(const BenchConfig& config, const std::vector<UnionBackend>& available);

/// The scenario every bench boot runs: wait for the agent, then the workloads.
Scenario BenchScenario(const std::vector<std::string>& workloads);

/// One bench boot: which compressor image, which backend, toram or not.
struct BenchRun {
  std::string variant;
  std::string compressor;
  std::string backend;
  bool toram = false;
  int repetition = 1;
  std::string KernelArguments() const;  ///< "live.union=... live.toram=0|1"
};

/// Every boot, repetition-major and alternating (A B A B ...) so drift on a
/// noisy machine hits every combination alike.
std::vector<BenchRun> PlanBenchRuns(const BenchConfig& config, const std::vector<UnionBackend>& available);

}  // namespace livecheck
