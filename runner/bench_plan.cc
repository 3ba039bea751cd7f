#include "runner/bench_plan.h"

#include <fmt/format.h>

#include "builder/initramfs.h"

namespace livecheck {

const std::vector<std::string>& DefaultWorkloads() {
  static const std::vector<std::string> workloads = {"cold-read",  "random-read", "stat-walk", "small-files",
                                                     "seq-write", "seq-read",    "copy-up"};
  return workloads;
}

std::vector<UnionBackend> AvailableBackends(const std::vector<UnionBackend>& wanted, const ModuleIndex& index,
                                            bool (*have_binary)(const std::string&),
                                            std::vector<UnavailableBackend>& unavailable) {
  std::vector<UnionBackend> available;
  for (auto backend : wanted) {
    std::string name(Name(backend));
    std::string reason;
    switch (backend) {
      case UnionBackend::kOverlay:
        if (!KernelHasModule(index, "overlay")) reason = fmt::format("kernel {} has no overlay module", index.kernel_version);
        break;
      case UnionBackend::kAufs:
        if (!KernelHasModule(index, "aufs"))
          reason = fmt::format("kernel {} has no aufs module (aufs needs a patched kernel; Debian does not ship it)",
                               index.kernel_version);
        break;
      case UnionBackend::kUnionfsFuse:
      case UnionBackend::kFuseOverlayfs:
        if (!KernelHasModule(index, "fuse")) reason = fmt::format("kernel {} has no fuse module", index.kernel_version);
        else if (!have_binary(UnionBinary(backend).string()))
          reason = fmt::format("{} is not installed (apt-get install {})", UnionBinary(backend).string(), name);
        break;
    }
    if (reason.empty()) available.push_back(backend);
    else unavailable.push_back({name, reason});
  }
  return available;
}

std::vector<VariantConfig> BenchVariants(const BenchConfig& config, const std::vector<UnionBackend>& available) {
  std::vector<VariantConfig> variants;
  for (auto compressor : config.compressors) {
    VariantConfig v;
    v.name = fmt::format("bench-{}", Name(compressor));
    v.defined_at = "livecheck bench";
    v.boot = BootPath::kDirect;
    v.compressor = compressor;
    if (!available.empty()) {
      v.union_backend = available.front();
      v.extra_unions.assign(available.begin() + 1, available.end());
    }
    v.bench_data_mb = config.bench_data_mb;
    variants.push_back(v);
  }
  return variants;
}

Scenario BenchScenario(const std::vector<std::string>& workloads) {
  Scenario s;
  s.name = "bench";
  s.description = "livecheck bench workloads";
  s.timeout_seconds = 600;
  s.steps.push_back({ScenarioStep::Kind::kWait, "agent-ready", 0, "bench"});
  for (const auto& w : workloads) s.steps.push_back({ScenarioStep::Kind::kWorkload, w, 0, "bench"});
  return s;
}

std::string BenchRun::KernelArguments() const {
  return fmt::format("live.union={} live.toram={}", backend, toram ? 1 : 0);
}

std::vector<BenchRun> PlanBenchRuns(const BenchConfig& config, const std::vector<UnionBackend>& available) {
  std::vector<BenchRun> runs;
  for (int rep = 1; rep <= config.repeat; ++rep)
    for (auto compressor : config.compressors) {
      std::string variant = fmt::format("bench-{}", Name(compressor));
      for (auto backend : available)
        runs.push_back({variant, std::string(Name(compressor)), std::string(Name(backend)), false, rep});
      if (config.toram && !available.empty())
        runs.push_back({variant, std::string(Name(compressor)), std::string(Name(available.front())), true, rep});
    }
  return runs;
}

}  // namespace livecheck
