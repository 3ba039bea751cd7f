#include "reports/junit_writer.h"

#include <map>

#include <fmt/format.h>

namespace livecheck {
namespace {

// A retried run's attempts as properties of each of its test cases, so a
// dashboard shows the flaky mark wherever the run's results are listed.
std::string RunProperties(const RunResult& r) {
  if (r.attempts.size() < 2) return "";
  std::string out = "      <properties>\n";
  if (r.flaky) out += "        <property name=\"livecheck.flaky\" value=\"infrastructure\"/>\n";
  out += fmt::format("        <property name=\"livecheck.attempts\" value=\"{}\"/>\n", r.attempts.size());
  for (const auto& a : r.attempts)
    if (a.status == Status::kError)
      out += fmt::format("        <property name=\"livecheck.attempt{}\" value=\"{}\"/>\n", a.attempt,
                         XmlEscape(fmt::format("ERROR ({}): {}", ErrorCauseName(a.cause), a.error)));
  return out + "      </properties>\n";
}

}  // namespace

std::string JunitXml(const RunReport& report) {
  std::map<std::string, std::vector<const RunResult*>> by_scenario;
  for (const auto& r : report.results) by_scenario[r.scenario].push_back(&r);
  int tests = 0, failures = 0, errors = 0;
  double total = 0;
  std::string suites;
  for (const auto& [scenario, results] : by_scenario) {
    int s_tests = 0, s_failures = 0, s_errors = 0;
    double s_time = 0;
    std::string cases;
    for (const auto* r : results) {
      std::string classname = XmlEscape(fmt::format("{}.{}", scenario, r->variant));
      std::string suffix = r->repetition > 1 ? fmt::format(" [r{}]", r->repetition) : "";
      s_time += r->wall_seconds;
      std::string properties = RunProperties(*r);
      if (r->status == Status::kError) {
        ++s_tests;
        ++s_errors;
        cases += fmt::format("    <testcase classname=\"{}\" name=\"run{}\" time=\"{:.3f}\">\n{}"
                             "      <error message=\"{}\">{}</error>\n    </testcase>\n",
                             classname, suffix, r->wall_seconds, properties, XmlEscape(r->error), XmlEscape(r->console_tail));
      }
      for (const auto& c : r->checks) {
        ++s_tests;
        std::string body = properties.empty() ? "" : "\n" + properties;
        if (c.status == Status::kFail) {
          ++s_failures;
          body += fmt::format("\n      <failure message=\"{}\">{}</failure>\n    ", XmlEscape(c.summary),
                             XmlEscape(c.evidence.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)));
        } else if (c.status == Status::kError) {
          ++s_errors;
          body += fmt::format("\n      <error message=\"{}\"/>\n    ", XmlEscape(c.summary));
        } else if (c.status == Status::kSkip) {
          body += "\n      <skipped/>\n    ";
        } else if (!body.empty()) {
          body += "    ";
        }
        cases += fmt::format("    <testcase classname=\"{}\" name=\"{}{}\" time=\"0\">{}</testcase>\n", classname,
                             XmlEscape(c.name), suffix, body);
      }
    }
    suites += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n{}"
                          "  </testsuite>\n",
                          XmlEscape(scenario), s_tests, s_failures, s_errors, s_time, cases);
    tests += s_tests;
    failures += s_failures;
    errors += s_errors;
    total += s_time;
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"livecheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n"
                     "{}</testsuites>\n",
                     tests, failures, errors, total, suites);
}

}  // namespace livecheck
