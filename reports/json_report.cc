#include "reports/json_report.h"

#include <fmt/format.h>

#include "common/error.h"
#include "reports/phase_statistics.h"

namespace livecheck {
namespace {

Status ParseStatus(const std::string& text) {
  if (text == "PASS") return Status::kPass;
  if (text == "FAIL") return Status::kFail;
  if (text == "ERROR") return Status::kError;
  return Status::kSkip;
}

nlohmann::json AttemptsToJson(const std::vector<RunAttempt>& attempts) {
  auto out = nlohmann::json::array();
  for (const auto& a : attempts) {
    nlohmann::json j = {{"attempt", a.attempt}, {"status", StatusName(a.status)}, {"error", a.error},
                        {"wall_seconds", a.wall_seconds}, {"console_log", a.console_log}};
    if (a.status == Status::kError) j["error_cause"] = ErrorCauseName(a.cause);
    out.push_back(j);
  }
  return out;
}

std::vector<RunAttempt> AttemptsFromJson(const nlohmann::json& j) {
  std::vector<RunAttempt> out;
  for (const auto& a : j)
    out.push_back({.attempt = a.at("attempt").get<int>(), .status = ParseStatus(a.at("status").get<std::string>()),
                   .error = a.value("error", ""), .cause = ParseErrorCause(a.value("error_cause", "")),
                   .wall_seconds = a.value("wall_seconds", 0.0), .console_log = a.value("console_log", "")});
  return out;
}

}  // namespace

nlohmann::json ReportToJson(const RunReport& report) {
  int passed = 0, failed = 0, errors = 0, flaky = 0;
  auto results = nlohmann::json::array();
  for (const auto& r : report.results) {
    flaky += r.flaky;
    passed += r.status == Status::kPass;
    failed += r.status == Status::kFail;
    errors += r.status == Status::kError || r.status == Status::kSkip;
    auto checks = nlohmann::json::array();
    for (const auto& c : r.checks)
      checks.push_back({{"name", c.name}, {"status", StatusName(c.status)}, {"summary", c.summary}, {"evidence", c.evidence}});
    auto phases = nlohmann::json::array();
    for (const auto& p : r.phases)
      phases.push_back({{"phase", p.phase}, {"guest_seconds", p.guest_seconds}, {"host_seconds", p.host_seconds}});
    auto steps = nlohmann::json::array();
    for (const auto& s : r.steps) steps.push_back({{"step", s.step}, {"seconds", s.seconds}});
    nlohmann::json j = {{"scenario", r.scenario}, {"variant", r.variant},   {"repetition", r.repetition},
                        {"status", StatusName(r.status)}, {"error", r.error}, {"wall_seconds", r.wall_seconds}, {"timeout_seconds", r.timeout_seconds},
                        {"checks", checks},   {"phases", phases},         {"steps", steps},         {"console_log", r.console_log},
                        {"qmp_events", r.qmp_events}, {"workloads", r.workloads},
                        {"boot_options", r.boot_options},
                        {"machine", r.machine},
                        {"kernel_entry", r.kernel_entry}};
    if (!r.injected.empty()) j["injected"] = r.injected;
    if (r.status == Status::kError) j["error_cause"] = ErrorCauseName(r.error_cause);
    j["flaky"] = r.flaky;
    j["block_counters"] = r.block_counters;
    j["mount_trace"] = r.mount_trace;
    j["guest_block_devices"] = r.guest_block_devices;
    j["hazards"] = r.hazards;
    j["machine_definition"] = r.machine_definition;
    j["attempts"] = AttemptsToJson(r.attempts);
    if (r.status != Status::kPass) j["console_tail"] = r.console_tail;
    results.push_back(j);
  }
  auto timing = nlohmann::json::array();
  for (const auto& s : SummarizePhases(report.results))
    timing.push_back({{"variant", s.variant}, {"phase", s.phase}, {"clock", s.host_clock ? "host" : "guest"},
                      {"samples", s.samples}, {"min", s.min}, {"median", s.median}, {"max", s.max},
                      {"since_qemu_start", s.since_start}});
  return {{"schema", kReportSchema},
          {"started_at", report.started_at},
          {"host", report.host},
          {"accel", report.accel},
          {"accel_reason", report.accel_reason},
          {"cpu", report.cpu},
          {"host_reference", report.host_reference},
          {"timeout_scale", report.timeout_scale},
          {"ovmf_vars", report.ovmf_vars},
          {"interrupted", report.interrupted},
          {"livecheck_peak_rss_kib", report.peak_rss_kib},
          {"summary", {{"runs", report.results.size()}, {"passed", passed}, {"failed", failed}, {"errors", errors}, {"flaky", flaky}}},
          {"results", results},
          {"timing", timing}};
}

RunReport ReportFromJson(const nlohmann::json& j, const std::string& where) {
  try {
    if (j.at("schema").get<std::string>() != kReportSchema)
      throw Error(fmt::format("{}: report schema '{}' is not {}", where, j.at("schema").get<std::string>(), kReportSchema));
    RunReport report;
    report.started_at = j.at("started_at").get<std::string>();
    report.accel = j.at("accel").get<std::string>();
    report.accel_reason = j.value("accel_reason", "");
    report.cpu = j.value("cpu", "");
    report.host = j.at("host");
    report.host_reference = j.value("host_reference", nlohmann::json());
    report.timeout_scale = j.value("timeout_scale", 1.0);
    report.ovmf_vars = j.value("ovmf_vars", "");
    report.interrupted = j.at("interrupted").get<bool>();
    report.peak_rss_kib = j.value("livecheck_peak_rss_kib", int64_t{-1});
    for (const auto& rj : j.at("results")) {
      RunResult r;
      r.scenario = rj.at("scenario").get<std::string>();
      r.variant = rj.at("variant").get<std::string>();
      r.repetition = rj.at("repetition").get<int>();
      r.status = ParseStatus(rj.at("status").get<std::string>());
      r.error = rj.value("error", "");
      r.wall_seconds = rj.at("wall_seconds").get<double>();
      r.timeout_seconds = rj.value("timeout_seconds", 0.0);
      r.console_log = rj.value("console_log", "");
      r.console_tail = rj.value("console_tail", "");
      r.boot_options = rj.value("boot_options", "");
      r.machine = rj.value("machine", "qemu");
      r.kernel_entry = rj.value("kernel_entry", "");
      r.injected = rj.value("injected", "");
      r.error_cause = ParseErrorCause(rj.value("error_cause", ""));
      r.flaky = rj.value("flaky", false);
      for (const auto& b : rj.value("block_counters", nlohmann::json::array())) r.block_counters.push_back(b);
      for (const auto& m : rj.value("mount_trace", nlohmann::json::array())) r.mount_trace.push_back(m);
      for (const auto& d : rj.value("guest_block_devices", nlohmann::json::array())) r.guest_block_devices.push_back(d);
      for (const auto& h : rj.value("hazards", nlohmann::json::array())) r.hazards.push_back(h);
      r.machine_definition = rj.value("machine_definition", "");
      r.attempts = AttemptsFromJson(rj.value("attempts", nlohmann::json::array()));
      if (!r.attempts.empty()) r.attempt = r.attempts.back().attempt;
      for (const auto& w : rj.value("workloads", nlohmann::json::array())) r.workloads.push_back(w);
      for (const auto& c : rj.at("checks"))
        r.checks.push_back({c.at("name").get<std::string>(), ParseStatus(c.at("status").get<std::string>()),
                            c.at("summary").get<std::string>(), c.value("evidence", nlohmann::json())});
      for (const auto& s : rj.value("steps", nlohmann::json::array()))
        r.steps.push_back({s.value("step", ""), s.value("seconds", 0.0)});
      for (const auto& p : rj.at("phases"))
        r.phases.push_back({p.at("phase").get<std::string>(), p.at("guest_seconds").get<double>(),
                            p.at("host_seconds").get<double>()});
      report.results.push_back(std::move(r));
    }
    return report;
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not a livecheck report: {}", where, e.what()));
  }
}

}  // namespace livecheck
