#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace livecheck {

/// One figure with its repetitions, from a run report (phase timings) or a
/// bench report (workloads, boot, toram copy).
struct Metric {
  std::string key;   ///< "usb-bios root-ready" or "xz overlay small-files"
  std::string unit;
  bool lower_is_better = true;
  bool host_clock = false;  ///< host seconds since QEMU started (media without markers)
  std::vector<double> samples;
};

/// Extracts every metric of a report; throws Error (exit 2) naming `where`
/// for a file that is neither kind of report.
std::vector<Metric> ExtractMetrics(const nlohmann::json& report, const std::string& where);
std::string ReportKind(const nlohmann::json& report);  ///< "run", "bench" or ""

/// How a baseline measured on one host is brought to the host of the
/// current report: by the ratio of their host references (the calibration
/// boot each report carries), guest-clock and bench figures by the guest
/// figure, host-clock ones by the host figure. Without a reference in both
/// reports (or with `enabled` false) the factors are 1 and the note says why.
struct Normalisation {
  double guest_factor = 1, host_factor = 1;  ///< current reference / baseline reference
  std::string note;                          ///< one line for the output
};
Normalisation NormaliseByReferences(const nlohmann::json& baseline, const nlohmann::json& current, bool enabled);

/// The baseline as if measured on the current host: times multiplied by the
/// factor, rates (higher is better) divided by it.
std::vector<Metric> ApplyNormalisation(std::vector<Metric> baseline, const Normalisation& normalisation);

struct Comparison {
  std::string key, unit;
  double baseline = 0, current = 0;  ///< medians
  double worse_percent = 0;          ///< > 0: current is worse by this much
  bool beyond_noise = false;         ///< the repetitions' ranges do not overlap
  bool regression = false;           ///< worse by more than the threshold and beyond noise
};

/// The regression rule: a figure regressed when its median got worse by
/// more than `threshold_percent` AND the min-max ranges of the two sets of
/// repetitions do not overlap (every current sample worse than every
/// baseline sample), so noise the repetitions show cannot trip the gate.
std::vector<Comparison> CompareMetrics(const std::vector<Metric>& baseline, const std::vector<Metric>& current,
                                       double threshold_percent);

std::string ComparisonTable(const std::vector<Comparison>& rows);

}  // namespace livecheck
