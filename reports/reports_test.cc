#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_writer.h"
#include "reports/phase_statistics.h"
#include "reports/terminal_summary.h"

namespace livecheck {
namespace {

// A report whose guest-derived strings are hostile: markup, quotes, control bytes.
RunReport SampleReport() {
  RunReport report{.started_at = "2026-11-25T03:00:00Z", .accel = "tcg", .accel_reason = "KVM probe hung",
                   .host = {{"hostname", "ci<1>"}}};
  RunResult pass{.scenario = "guarantees", .variant = "direct", .status = Status::kPass, .wall_seconds = 10,
                 .kernel_entry = "pvh"};
  pass.checks.push_back({"lower-readonly", Status::kPass, "ok", {{"mounts", nlohmann::json::array()}}});
  pass.checks.push_back({"run: cat /etc/os-release", Status::kPass, "exit status 0",
                         {{"command", "cat /etc/os-release"}, {"answer", {{"output", "ID=<img src=x>\n"}}}}});
  pass.checks.push_back({"console: login:", Status::kPass, "seen by 9.0 s after QEMU start: <b>login:",
                         {{"pattern", "login:"}, {"line", "<b onclick=x>login:"}}});
  pass.phases = {{"init", 1.5, 4.0}, {"root-ready", 3.5, 6.0}};
  pass.steps = {{"start", 0.5}, {"wait agent-ready", 6.5}, {"check lower-readonly", 0.25}};
  RunResult fail{.scenario = "guarantees", .variant = "bad<script>", .status = Status::kFail, .wall_seconds = 12};
  fail.checks.push_back({"no-disk-writes", Status::kFail, "stick: 3 write operations, \"quoted\" & <b>",
                         {{"console", "<script>alert(1)</script>\x01../../etc/passwd"}}});
  fail.phases = {{"init", 1.7, 4.2}, {"root-ready", 3.9, 6.5}};
  fail.console_tail = "</pre><script>alert('x')</script>\x07";
  fail.injected = "livecheck-agent appended to \"<initrd>\"";
  RunResult error{.scenario = "toram", .variant = "direct", .status = Status::kError,
                  .error = "timed out waiting for phase 'root-ready'", .error_cause = ErrorCause::kImage};
  report.results = {pass, fail, error};
  return report;
}

TEST(PhaseStatisticsTest, MedianOverRepetitions) {
  RunResult a{.variant = "v"}, b{.variant = "v"}, c{.variant = "v"};
  a.phases = {{"init", 1.0, 2}};
  b.phases = {{"init", 3.0, 2}};
  c.phases = {{"init", 2.0, 2}};
  auto stats = SummarizePhases({a, b, c});
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[1].phase, "init");
  EXPECT_EQ(stats[1].samples, 3);
  EXPECT_DOUBLE_EQ(stats[1].min, 1.0);
  EXPECT_DOUBLE_EQ(stats[1].median, 2.0);
  EXPECT_DOUBLE_EQ(stats[1].max, 3.0);
}

// The guest's clock starts after firmware, bootloader and decompression:
// kernel-start shows that time, and guest phases are placed after it.
TEST(PhaseStatisticsTest, KernelStartIsTheFirstSegmentFromQemuStart) {
  RunResult r{.variant = "usb-bios"};
  // The serial line delays markers a little and unevenly: the smallest gap counts.
  r.phases = {{"init", 1.5, 10.7}, {"modules-loaded", 2.5, 11.5}, {"root-ready", 4.0, 13.3}};
  EXPECT_DOUBLE_EQ(KernelStartSeconds(r), 9.0);
  auto stats = SummarizePhases({r});
  ASSERT_EQ(stats.size(), 4u);
  EXPECT_EQ(stats[0].phase, kKernelStartPhase);
  EXPECT_TRUE(stats[0].host_clock);
  EXPECT_DOUBLE_EQ(stats[0].median, 9.0);
  EXPECT_DOUBLE_EQ(stats[0].since_start, 9.0);
  EXPECT_EQ(stats[3].phase, "root-ready");
  EXPECT_DOUBLE_EQ(stats[3].median, 4.0);
  EXPECT_DOUBLE_EQ(stats[3].since_start, 13.0);
  auto timing = ReportToJson(RunReport{.results = {r}})["timing"];
  EXPECT_EQ(timing[0]["phase"], "kernel-start");
  EXPECT_DOUBLE_EQ(timing[3]["since_qemu_start"].get<double>(), 13.0);
  // A medium without markers has no guest clock, hence no kernel-start.
  RunResult foreign{.variant = "x.iso"};
  foreign.phases = {{"ready", -1, 95.0}};
  EXPECT_DOUBLE_EQ(KernelStartSeconds(foreign), -1);
}

// Media without livecheck's markers have no guest clock: their figures are
// host seconds, and every report says so instead of calling them guest time.
TEST(PhaseStatisticsTest, PhasesWithoutGuestTimeAreHostTimeAndSaySo) {
  RunResult marked{.variant = "direct"}, foreign{.variant = "debian-live.iso"};
  marked.phases = {{"root-ready", 3.0, 6.0}};
  foreign.phases = {{"ready", -1, 95.0}};
  auto stats = SummarizePhases({marked, foreign});
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0].phase, kKernelStartPhase);
  EXPECT_FALSE(stats[1].host_clock);
  EXPECT_DOUBLE_EQ(stats[1].median, 3.0);
  EXPECT_TRUE(stats[2].host_clock);
  EXPECT_DOUBLE_EQ(stats[2].median, 95.0);
  EXPECT_DOUBLE_EQ(stats[2].since_start, 95.0);
  RunReport report{.host = {{"hostname", "ci"}}, .results = {marked, foreign}};
  auto timing = ReportToJson(report)["timing"];
  EXPECT_EQ(timing[1]["clock"], "guest");
  EXPECT_EQ(timing[2]["clock"], "host");
  EXPECT_EQ(ReportToJson(report)["results"][1]["phases"][0]["guest_seconds"], -1);
  auto html = HtmlReport(report);
  EXPECT_NE(html.find("debian-live.iso (host time)"), std::string::npos);
  EXPECT_EQ(html.find("direct (host time)"), std::string::npos);
}

TEST(JsonReportTest, RoundTripsAndCounts) {
  auto json = ReportToJson(SampleReport());
  EXPECT_EQ(json["schema"], "livecheck-report/1");
  EXPECT_EQ(json["summary"]["passed"], 1);
  EXPECT_EQ(json["summary"]["failed"], 1);
  EXPECT_EQ(json["summary"]["errors"], 1);
  auto parsed = nlohmann::json::parse(json.dump());
  auto back = ReportFromJson(parsed, "report.json");
  ASSERT_EQ(back.results.size(), 3u);
  EXPECT_EQ(back.results[1].checks[0].summary, "stick: 3 write operations, \"quoted\" & <b>");
  EXPECT_EQ(back.results[1].status, Status::kFail);
  EXPECT_EQ(back.results[0].kernel_entry, "pvh");
  ASSERT_EQ(back.results[0].steps.size(), 3u);
  EXPECT_EQ(back.results[0].steps[1].step, "wait agent-ready");
  EXPECT_EQ(back.results[0].steps[1].seconds, 6.5);
  EXPECT_EQ(back.results[0].injected, "");
  EXPECT_EQ(back.results[1].injected, "livecheck-agent appended to \"<initrd>\"");
  EXPECT_ERROR_CONTAINS(ReportFromJson(nlohmann::json{{"schema", "other/9"}}, "x.json"),
                        "x.json: report schema 'other/9' is not livecheck-report/1");
  EXPECT_ERROR_CONTAINS(ReportFromJson(nlohmann::json{{"schema", "livecheck-report/1"}}, "y.json"),
                        "y.json: not a livecheck report");
}

TEST(JunitWriterTest, ValidatesAgainstSchemaAndCarriesEvidence) {
  auto dir = testing::MakeTestDir();
  auto xml = JunitXml(SampleReport());
  WriteFileAtomic(dir.path() / "junit.xml", xml);
  auto lint = RunProcess({.argv = {"xmllint", "--noout", "--schema",
                                   LIVECHECK_SOURCE_DIR "/reports/testdata/junit.xsd", (dir.path() / "junit.xml").string()}});
  EXPECT_EQ(lint.exit_code, 0) << lint.err << xml;
  EXPECT_NE(xml.find("<failure message=\"stick: 3 write operations, &quot;quoted&quot; &amp; &lt;b&gt;\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<error message=\"timed out waiting for phase &apos;root-ready&apos;\">"), std::string::npos);
  EXPECT_NE(xml.find("tests=\"5\" failures=\"1\" errors=\"1\""), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
}

TEST(HtmlReportTest, SelfContainedWithMatrixChartAndEscapedGuestText) {
  auto html = HtmlReport(SampleReport());
  EXPECT_NE(html.find("id=\"matrix\""), std::string::npos);
  EXPECT_NE(html.find("id=\"phase-chart\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos) << "guest text must be escaped";
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("title=\"livecheck-agent appended to &quot;&lt;initrd&gt;&quot;\">+ injected agent"),
            std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find('\x07'), std::string::npos);
  // A run step's command and output, escaped.
  EXPECT_NE(html.find("<code>cat /etc/os-release</code>"), std::string::npos);
  EXPECT_NE(html.find("ID=&lt;img src=x&gt;"), std::string::npos);
  EXPECT_NE(html.find("<code>console: /login:/</code>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b onclick=x&gt;login:"), std::string::npos);
  EXPECT_EQ(html.find("<b onclick"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
}

// A failed no-disk-writes shows its annotated write map as a table; the
// names come from the disk's own bytes (labels) and are escaped.
TEST(HtmlReportTest, ShowsTheWriteMapOfAFailedDiskCheck) {
  auto report = SampleReport();
  nlohmann::json written = {{{"offset", 1049600}, {"length", 512}, {"where", "p1 ext4 '<b>': superblock"},
                             {"sample_offset", 1049656}, {"before", "53ef"}, {"after", "53ff"}}};
  report.results[1].checks.push_back({"no-disk-writes", Status::kFail, "internal: 3 write operations",
                                      {{"disks", {{{"drive", "internal"}, {"written", written}}}}}});
  report.results[1].mount_trace.push_back({{"seconds", 2.91}, {"device", "sdb1"}, {"fs", "ext4"}, {"event", "mounted"},
                                           {"message", "EXT4-fs (sdb1): <mounted>"}});
  report.results[1].hazards.push_back({{"drive", "internal"}, {"hazard", "ext4-dirty-journal"}, {"guest_name", "sdb"},
                                       {"touched", "written"}, {"read_bytes", 4096}, {"written_bytes", 1024},
                                       {"events", {{{"device", "sdb1"}, {"event", "journal-replay"}, {"fs", "ext4"}}}},
                                       {"written_regions", {"p1 ext4 '<x>': journal"}}});
  auto back = ReportFromJson(ReportToJson(report), "report.json");
  EXPECT_EQ(back.results[1].mount_trace, report.results[1].mount_trace);
  EXPECT_EQ(back.results[1].hazards, report.results[1].hazards);
  auto html = HtmlReport(report);
  EXPECT_NE(html.find("<tr><td>2.91</td><td>sdb1</td><td>ext4</td><td>mounted</td><td><code>EXT4-fs (sdb1): "
                      "&lt;mounted&gt;</code></td></tr>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td>internal</td><td>ext4-dirty-journal</td><td>sdb</td><td class=\"FAIL\">written</td><td>4096</td>"
                      "<td>1024</td><td>sdb1 journal-replay ext4</td><td>p1 ext4 &apos;&lt;x&gt;&apos;: journal</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr><td>internal</td><td>0x100438</td><td>512</td><td>p1 ext4 &apos;&lt;b&gt;&apos;: "
                      "superblock</td><td><code>53ef</code></td><td><code>53ff</code></td></tr>"),
            std::string::npos)
      << html;
}

// The sample plus a run whose first attempt lost its QEMU and whose second passed.
RunReport RetriedReport() {
  auto report = SampleReport();
  RunResult flaky{.scenario = "guarantees", .variant = "usb-bios", .status = Status::kPass, .attempt = 2,
                  .flaky = true, .wall_seconds = 20, .console_log = "logs/guarantees--usb-bios--r1--attempt2.console.log"};
  flaky.checks.push_back({"no-disk-writes", Status::kPass, "no write", nlohmann::json::object()});
  flaky.attempts = {{.attempt = 1, .status = Status::kError,
                     .error = "QEMU exited before phase 'agent-started' (QEMU was killed by signal 9 <Killed>)",
                     .cause = ErrorCause::kInfrastructure, .wall_seconds = 3,
                     .console_log = "logs/guarantees--usb-bios--r1.console.log"},
                    {.attempt = 2, .status = Status::kPass, .wall_seconds = 20, .console_log = flaky.console_log}};
  report.results.push_back(flaky);
  return report;
}

TEST(RetriedRunTest, EveryReportCarriesTheAttemptsAndTheFlakyMark) {
  auto report = RetriedReport();
  auto json = ReportToJson(report);
  EXPECT_EQ(json["summary"]["flaky"], 1);
  EXPECT_EQ(json["summary"]["passed"], 2);
  const auto& r = json["results"][3];
  EXPECT_EQ(r["flaky"], true);
  ASSERT_EQ(r["attempts"].size(), 2u);
  EXPECT_EQ(r["attempts"][0]["error_cause"], "infrastructure");
  EXPECT_EQ(json["results"][2]["error_cause"], "image") << "a phase timeout is the image's";
  auto back = ReportFromJson(nlohmann::json::parse(json.dump()), "report.json");
  EXPECT_TRUE(back.results[3].flaky);
  EXPECT_EQ(back.results[3].attempt, 2);
  ASSERT_EQ(back.results[3].attempts.size(), 2u);
  EXPECT_EQ(back.results[3].attempts[0].cause, ErrorCause::kInfrastructure);
  EXPECT_EQ(back.results[3].attempts[0].console_log, "logs/guarantees--usb-bios--r1.console.log");

  auto dir = testing::MakeTestDir();
  auto xml = JunitXml(report);
  WriteFileAtomic(dir.path() / "junit.xml", xml);
  auto lint = RunProcess({.argv = {"xmllint", "--noout", "--schema",
                                   LIVECHECK_SOURCE_DIR "/reports/testdata/junit.xsd", (dir.path() / "junit.xml").string()}});
  EXPECT_EQ(lint.exit_code, 0) << lint.err << xml;
  EXPECT_NE(xml.find("<property name=\"livecheck.flaky\" value=\"infrastructure\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"livecheck.attempts\" value=\"2\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("signal 9 &lt;Killed&gt;"), std::string::npos) << xml;

  auto html = HtmlReport(report);
  EXPECT_NE(html.find("flaky infrastructure, 2 attempts"), std::string::npos);
  EXPECT_NE(html.find("<span>1 flaky</span>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>usb-bios</td><td>1</td><td>1</td><td>0</td><td>2</td></tr>"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"logs/guarantees--usb-bios--r1.console.log\""), std::string::npos);
  EXPECT_EQ(html.find("<Killed>"), std::string::npos);

  auto text = TerminalSummary(report);
  EXPECT_NE(text.find("PASS*"), std::string::npos) << text;
  EXPECT_NE(text.find("    attempt 1: ERROR (infrastructure): QEMU exited before phase"), std::string::npos) << text;
  EXPECT_NE(text.find("2 of 4 runs passed (1 flaky: passed only after an infrastructure ERROR)"), std::string::npos)
      << text;
}

TEST(TerminalSummaryTest, OneRowPerRunWithFailureReasons) {
  auto text = TerminalSummary(SampleReport());
  EXPECT_NE(text.find("guarantees/direct#1"), std::string::npos) << text;
  EXPECT_NE(text.find("    no-disk-writes: stick: 3 write operations"), std::string::npos) << text;
  EXPECT_NE(text.find("1 of 3 runs passed"), std::string::npos) << text;
}

}  // namespace
}  // namespace livecheck
