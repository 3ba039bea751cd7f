#include "reports/terminal_summary.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "evidence/checks.h"
#include "machine/host_reference.h"

namespace livecheck {

std::string ReferenceLine(const RunReport& report) {
  auto reference = HostReferenceFromJson(report.host_reference);
  if (!reference.valid())
    return fmt::format("host reference: none ({}); timeouts x{:.2f}",
                       reference.error.empty() ? "not measured" : reference.error, report.timeout_scale);
  return fmt::format("host reference: kernel start to /init {:.2f} s guest, {:.2f} s after QEMU started ({}, {} boots, "
                     "{} at once, {}); timeouts x{:.2f}",
                     reference.guest_seconds, reference.host_seconds, reference.accel, reference.guest_samples.size(),
                     reference.parallel, reference.source, report.timeout_scale);
}

std::string TerminalSummary(const RunReport& report) {
  size_t width = 10;
  for (const auto& r : report.results)
    width = std::max(width, r.scenario.size() + r.variant.size() + 6);
  std::string out = fmt::format("{:<{}} {:<6}", "run", width, "result");
  const char* shorts[] = {"lower-ro", "upper", "union", "ram-copy", "no-write", "internal", "canary", "ram-res", "timing", "own-med"};
  for (const char* s : shorts) out += fmt::format(" {:<9}", s);
  out += " wall\n";
  int passed = 0, flaky = 0;
  for (const auto& r : report.results) {
    passed += r.status == Status::kPass;
    std::map<std::string, std::string> by_name;
    for (const auto& c : r.checks) by_name[c.name] = StatusName(c.status);
    out += fmt::format("{:<{}} {:<6}", fmt::format("{}/{}#{}", r.scenario, r.variant, r.repetition), width,
                       StatusName(r.status) + (r.flaky ? "*" : ""));
    for (const auto& name : CheckNames()) out += fmt::format(" {:<9}", by_name.count(name) ? by_name[name] : "-");
    out += fmt::format(" {:.1f}s\n", r.wall_seconds);
    for (const auto& c : r.checks)
      if (c.status == Status::kFail) out += fmt::format("    {}: {}\n", c.name, c.summary);
    if (!r.error.empty())
      out += fmt::format("    error{}: {}\n", r.error_cause == ErrorCause::kNone ? "" : " (" + ErrorCauseName(r.error_cause) + ")",
                         r.error);
    for (const auto& a : r.attempts)
      if (r.attempts.size() > 1 && &a != &r.attempts.back())
        out += fmt::format("    attempt {}: {} ({}): {}\n", a.attempt, StatusName(a.status), ErrorCauseName(a.cause), a.error);
    flaky += r.flaky;
  }
  out += fmt::format("{} of {} runs passed", passed, report.results.size());
  if (flaky > 0) out += fmt::format(" ({} flaky: passed only after an infrastructure ERROR)", flaky);
  if (report.peak_rss_kib >= 0) out += fmt::format("; livecheck's peak memory {:.1f} MiB", report.peak_rss_kib / 1024.0);
  out += "\n" + ReferenceLine(report) + "\n";
  return out;
}

}  // namespace livecheck
