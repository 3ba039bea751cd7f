#include "runner/console_scan.h"

#include <gtest/gtest.h>

#include "common/guest_pattern.h"

namespace livecheck {
namespace {

TEST(ConsoleScanTest, MatchesCleanedLinesAndMovesPastThem) {
  std::string raw = "[    1.2] Linux version 6.1\r\n[\x1b[0;32m  OK  \x1b[0m] Reached target Multi-User System.\r\nnext\n";
  auto scan = ScanConsole(raw, GuestPattern("^\\[  OK  \\] Reached target Multi-User"), false);
  ASSERT_TRUE(scan.line);
  EXPECT_EQ(*scan.line, "[  OK  ] Reached target Multi-User System.");
  EXPECT_EQ(raw.substr(scan.consumed), "next\n");  // a second wait starts after it
  auto again = ScanConsole(raw.substr(scan.consumed), GuestPattern("Multi-User"), false);
  EXPECT_FALSE(again.line);
  EXPECT_EQ(again.consumed, 5u);
}

TEST(ConsoleScanTest, APromptWithoutNewlineIsSearchedAgainLater) {
  auto re = GuestPattern("login: $");
  auto early = ScanConsole("Debian GNU/Linux 12\r\ndebian log", re, false);
  EXPECT_FALSE(early.line);
  EXPECT_EQ(early.consumed, 21u);  // the partial line stays for the next read
  auto late = ScanConsole("debian login: ", re, false);
  ASSERT_TRUE(late.line);
  EXPECT_EQ(late.consumed, 14u);
}

TEST(ConsoleScanTest, HostileConsoleStaysBounded) {
  std::string flood(1 << 20, 'a');
  auto scan = ScanConsole(flood, GuestPattern("(a|aa)*b"), true);
  EXPECT_FALSE(scan.line);
  EXPECT_EQ(scan.consumed, flood.size());  // one huge line: skipped, not waited on
  EXPECT_EQ(ScanConsole(flood, GuestPattern("b"), false).consumed, 0u);
}

}  // namespace
}  // namespace livecheck
