#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runner/run_result.h"

namespace livecheck {

inline constexpr const char* kBenchSchema = "livecheck-bench/1";

/// One measured figure of one (compressor, backend) over its repetitions.
struct BenchFigure {
  std::string compressor;
  std::string backend;  ///< "overlay", ..., or "overlay+toram"
  std::string metric;   ///< a workload name, "boot", "toram-copy"
  std::string unit;
  std::string better;   ///< "higher" or "lower"
  std::vector<double> samples;
  double median = 0, min = 0, max = 0;
  double ratio_to_overlay = 0;  ///< median / overlay's median (same compressor); 0 when unknown
  /// "boot": how the kernel was entered ("pvh", "bzimage", "bootloader";
  /// "mixed" when runs differ). Guest time to agent-ready hardly depends on
  /// it (the guest clock starts with the kernel), but say so.
  std::string kernel_entry;
};

/// Per compressor: image size and build time, boot and cold-read figures.
struct CompressorFigure {
  std::string compressor;
  uint64_t squashfs_bytes = 0;
  double mksquashfs_seconds = 0;
  double boot_seconds = 0;      ///< median guest time to agent-ready (overlay)
  double cold_read_mbps = 0;    ///< median (overlay)
  double toram_copy_seconds = 0;
  double toram_mbps = 0;
};

struct BenchReport {
  std::string started_at;
  nlohmann::json host;
  std::string accel;
  nlohmann::json host_reference;  ///< the calibration boot (HostReference as JSON)
  int repeat = 0;
  int bench_data_mb = 0;
  std::vector<std::string> backends, compressors, workloads;
  std::vector<std::pair<std::string, std::string>> unavailable;  ///< backend, reason
  std::vector<BenchFigure> figures;
  std::vector<CompressorFigure> compressor_figures;
  std::vector<std::pair<std::string, std::string>> errors;  ///< run, error
  double wall_seconds = 0;
};

/// Turns run results into figures: each workload's value, the boot time to
/// agent-ready, and for toram runs the copy time; fills medians and ratios.
std::vector<BenchFigure> CollectFigures(const std::vector<RunResult>& results);
/// The backend label of a bench run from its kernel arguments.
std::string BenchBackendLabel(const std::string& boot_options);

nlohmann::json BenchToJson(const BenchReport& report);
std::string BenchHtml(const BenchReport& report);
std::string BenchTable(const BenchReport& report);

}  // namespace livecheck
