// report.html opened in headless Chromium (Debian's chromium): it renders
// with no console errors and shows the results matrix and the phase chart.
#include <gtest/gtest.h>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"
#include "reports/html_report.h"

namespace livecheck {
namespace {

RunReport ReportWithHostileGuestText() {
  RunReport report{.started_at = "2026-11-25T03:00:00Z", .accel = "tcg", .accel_reason = "requested",
                   .host = {{"hostname", "ci"}}};
  for (const char* variant : {"direct-overlay-xz", "usb-bios", "usb-uefi"}) {
    RunResult r{.scenario = "guarantees", .variant = variant, .status = Status::kPass, .wall_seconds = 9};
    r.checks = {{"lower-readonly", Status::kPass, "ok", {}}, {"upper-tmpfs", Status::kPass, "ok", {}},
                {"no-disk-writes", Status::kPass, "ok", {}}, {"boot-timing", Status::kPass, "ok", {}}};
    r.phases = {{"init", 2.1, 5}, {"modules-loaded", 3.0, 6}, {"medium-found", 3.1, 6}, {"lower-mounted", 3.3, 6},
                {"switch-root", 3.5, 7}, {"root-ready", 4.0, 7}, {"agent-ready", 5.0, 8}};
    report.results.push_back(r);
  }
  RunResult bad{.scenario = "guarantees", .variant = "bad-writes-stick", .status = Status::kFail, .wall_seconds = 9};
  bad.checks = {{"no-disk-writes", Status::kFail, "stick: 14 write operations <img src=x onerror=alert(1)>",
                 {{"tail", "</pre><script>console.error('injected')</script>"}}}};
  bad.console_tail = "<script>console.error('from guest')</script>../../etc/passwd";
  bad.phases = {{"init", 2.3, 5}, {"root-ready", 4.4, 8}};
  report.results.push_back(bad);
  return report;
}

TEST(HtmlRenderTest, RendersInChromiumWithoutConsoleErrors) {
  if (!HaveExecutable("chromium")) GTEST_SKIP() << "chromium is not installed (ci/setup.sh installs it)";
  auto dir = testing::MakeTestDir();
  auto page = dir.path() / "report.html";
  WriteFileAtomic(page, HtmlReport(ReportWithHostileGuestText()));
  std::vector<std::string> base = {"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                   "--disable-background-networking", "--disable-component-update", "--no-first-run",
                                   "--user-data-dir=" + (dir.path() / "profile").string(), "--enable-logging=stderr",
                                   "--v=0"};
  auto dom_argv = base;
  dom_argv.insert(dom_argv.end(), {"--dump-dom", "file://" + page.string()});
  auto dom = RunProcess({.argv = dom_argv, .timeout = std::chrono::seconds(60)});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_NE(dom.out.find("id=\"matrix\""), std::string::npos);
  EXPECT_NE(dom.out.find("<svg id=\"phase-chart\""), std::string::npos);
  EXPECT_NE(dom.out.find("<rect"), std::string::npos);
  EXPECT_EQ(dom.out.find("<script"), std::string::npos) << "guest text became markup";
  EXPECT_EQ(dom.out.find("<img"), std::string::npos) << "guest text became markup";
  // Chromium logs page console messages as "CONSOLE" lines on stderr.
  EXPECT_EQ(dom.err.find("CONSOLE"), std::string::npos) << dom.err;
  EXPECT_EQ(dom.err.find("Uncaught"), std::string::npos) << dom.err;

  auto shot = fs::path(LIVECHECK_BUILD_DIR) / "report-screenshot.png";
  auto shot_argv = base;
  shot_argv.insert(shot_argv.end(), {"--window-size=1200,900", "--screenshot=" + shot.string(), "file://" + page.string()});
  auto r = RunProcess({.argv = shot_argv, .timeout = std::chrono::seconds(60)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(fs::file_size(shot), 10000u) << "an empty page";
}

}  // namespace
}  // namespace livecheck
