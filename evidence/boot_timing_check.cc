#include "evidence/boot_timing_check.h"

#include <algorithm>

#include <fmt/format.h>

namespace livecheck {

nlohmann::json ResolvedBudget::ToJson() const {
  nlohmann::json j = {{"seconds", seconds}, {"basis", basis}};
  if (!error.empty()) j["error"] = error;
  return j;
}

ResolvedBudget ResolvedBudget::FromJson(const nlohmann::json& j) {
  ResolvedBudget b;
  if (!j.is_object()) return b;
  if (j.contains("seconds") && j["seconds"].is_number()) b.seconds = j["seconds"].get<double>();
  if (j.contains("basis") && j["basis"].is_string()) b.basis = j["basis"].get<std::string>();
  if (j.contains("error") && j["error"].is_string()) b.error = j["error"].get<std::string>();
  return b;
}

bool BootTimedInHostClock(const std::vector<std::string>& expected) {
  return std::find(expected.begin(), expected.end(), "root-ready") == expected.end();
}

CheckResult CheckBootTiming(const std::vector<PhaseTiming>& phases, const std::vector<std::string>& expected,
                            const ResolvedBudget& budget) {
  nlohmann::json evidence = {{"phases", nlohmann::json::array()}, {"budget", budget.ToJson()}, {"expected", expected}};
  for (const auto& p : phases)
    evidence["phases"].push_back(
        {{"phase", p.phase}, {"guest_seconds", p.guest_seconds}, {"host_seconds", p.host_seconds}});
  // livecheck's images are timed to root-ready in guest time; an image
  // without markers to its ready pattern, in host time since QEMU started.
  bool marked = !BootTimedInHostClock(expected);
  std::string budget_phase = marked ? "root-ready" : (expected.empty() ? "" : expected.back());
  const char* clock = marked ? "guest time" : "after QEMU started";
  size_t next = 0;
  double reached = -1;
  for (const auto& p : phases) {
    if (next < expected.size() && p.phase == expected[next]) ++next;
    if (p.phase == budget_phase && reached < 0) reached = p.seconds();
  }
  evidence["measured_seconds"] = reached;
  if (!budget.error.empty()) return {"boot-timing", Status::kError, budget.error, evidence};
  if (next < expected.size())
    return Verdict("boot-timing", false, fmt::format("phase '{}' never reported (or out of order)", expected[next]),
                   evidence);
  if (budget.seconds > 0 && reached > budget.seconds)
    return Verdict("boot-timing", false,
                   fmt::format("{} at {:.2f} s {}, over the budget of {:.2f} s ({})", budget_phase, reached, clock,
                               budget.seconds, budget.basis),
                   evidence);
  std::string within = budget.seconds > 0 ? fmt::format(", within {:.2f} s ({})", budget.seconds, budget.basis) : "";
  return Verdict("boot-timing", true,
                 fmt::format("all {} phases in order; {} at {:.2f} s {}{}", expected.size(), budget_phase, reached,
                             clock, within),
                 evidence);
}

}  // namespace livecheck
