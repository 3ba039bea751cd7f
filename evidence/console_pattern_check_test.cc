#include "evidence/console_pattern_check.h"

#include <gtest/gtest.h>

namespace livecheck {
namespace {

TEST(ConsolePatternCheckTest, SeenLinePasses) {
  auto e = ConsolePatternEvidence("login: ?$", 60, {.line = "debian login: ", .host_seconds = 41.25, .last_line = "x"});
  auto r = CheckConsolePattern(e);
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.name, "console: login: ?$");
  EXPECT_EQ(r.summary, "seen by 41.2 s after QEMU start: debian login: ");
  EXPECT_TRUE(IsConsolePatternCheckName(r.name));
  EXPECT_FALSE(IsConsolePatternCheckName("run: true"));
}

TEST(ConsolePatternCheckTest, NotSeenFails) {
  auto late = CheckConsolePattern(ConsolePatternEvidence("^never$", 2, {.last_line = "Welcome\x07"}));
  EXPECT_EQ(late.status, Status::kFail);
  EXPECT_EQ(late.summary, "no console line matched /^never$/ within 2 s; last line: Welcome?");
  auto stopped = CheckConsolePattern(
      ConsolePatternEvidence("login:", 60, {.stopped = "the guest kernel panicked: Kernel panic - not syncing"}));
  EXPECT_EQ(stopped.status, Status::kFail);
  EXPECT_EQ(stopped.summary, "no console line matched /login:/: the guest kernel panicked: Kernel panic - not syncing");
}

TEST(ConsolePatternCheckTest, ReplayDoesNotTrustTheRecordedLine) {
  // Evidence edited (or a bug) so the line does not match: not a PASS.
  auto e = ConsolePatternEvidence("^login:", 60, {.line = "Password:", .host_seconds = 3});
  EXPECT_EQ(CheckConsolePattern(e).status, Status::kFail);
  e["pattern"] = "[";
  EXPECT_EQ(CheckConsolePattern(e).status, Status::kError);
  EXPECT_EQ(CheckConsolePattern("garbage").status, Status::kFail);
  EXPECT_EQ(ConsolePatternCheckName(std::string(90, 'p')).size(), std::string("console: ").size() + 83);
}

}  // namespace
}  // namespace livecheck
