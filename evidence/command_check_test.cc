#include "evidence/command_check.h"

#include <gtest/gtest.h>

namespace livecheck {
namespace {

nlohmann::json Answer(int status, const std::string& output, bool timed_out = false) {
  return {{"exit_status", status}, {"output", output}, {"timed_out", timed_out}};
}

TEST(CommandCheckTest, ExitStatusAndALineMatching) {
  auto r = CheckCommandResult(CommandEvidence("cat /etc/os-release", 0, "^ID=debian$", 60,
                                              Answer(0, "PRETTY_NAME=\"Debian\"\nID=debian\nVERSION_ID=12\n")));
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.name, "run: cat /etc/os-release");
  EXPECT_EQ(r.summary, "exit status 0, output matches /^ID=debian$/");
  EXPECT_EQ(CheckCommandResult(CommandEvidence("exit 3", 3, "", 60, Answer(3, ""))).status, Status::kPass);
}

TEST(CommandCheckTest, EachWayToFail) {
  auto wrong_exit = CheckCommandResult(CommandEvidence("false", 0, "", 60, Answer(1, "oops\n\n")));
  EXPECT_EQ(wrong_exit.status, Status::kFail);
  EXPECT_EQ(wrong_exit.summary, "exit status 1 (expected 0); last output: oops");
  auto no_match = CheckCommandResult(CommandEvidence("echo hello", 0, "^bye$", 60, Answer(0, "hello\n")));
  EXPECT_EQ(no_match.summary, "exit status 0, but no line of its output matches /^bye$/; last output: hello");
  auto slow = CheckCommandResult(CommandEvidence("sleep 99", 0, "", 2, Answer(-1, "tick\x1b[31m", true)));
  EXPECT_EQ(slow.status, Status::kFail);
  EXPECT_EQ(slow.summary, "did not finish within 2 s (killed); last output: tick?[31m");
}

TEST(CommandCheckTest, UntrustedOutputAndBadAnswers) {
  // A long line and a hungry pattern: matched line by line, cut at 4 KiB.
  std::string huge(60000, 'a');
  auto r = CheckCommandResult(CommandEvidence("x", 0, "(a|b)*c", 60, Answer(0, huge)));
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(CheckCommandResult(CommandEvidence("x", 0, "[", 60, Answer(0, ""))).status, Status::kError);
  EXPECT_EQ(CheckCommandResult(CommandEvidence("x", 0, "", 60, {{"error", "no agent"}})).status, Status::kError);
  EXPECT_EQ(CheckCommandResult("garbage").status, Status::kFail);
  EXPECT_EQ(CommandCheckName(std::string(100, 'y') + "\n").size(), std::string("run: ").size() + 83);
  EXPECT_TRUE(IsCommandCheckName("run: uname -r"));
  EXPECT_FALSE(IsCommandCheckName("canary"));
}

}  // namespace
}  // namespace livecheck
