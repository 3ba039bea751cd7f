#include "guest_agent/follow_init.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace livecheck::agent {
namespace {

TEST(SettleRuleTest, ParsesTheThreeForms) {
  SettleRule rule;
  ASSERT_TRUE(ParseSettleRule("auto", rule));
  EXPECT_EQ(rule.kind, SettleRule::Kind::kAuto);
  ASSERT_TRUE(ParseSettleRule("none", rule));
  EXPECT_EQ(rule.kind, SettleRule::Kind::kNone);
  ASSERT_TRUE(ParseSettleRule("file:/run/livecheck/settled", rule));
  EXPECT_EQ(rule.kind, SettleRule::Kind::kFile);
  EXPECT_EQ(rule.file, "/run/livecheck/settled");
}

TEST(SettleRuleTest, RejectsRelativeFilesAndUnknownWords) {
  SettleRule rule;
  EXPECT_FALSE(ParseSettleRule("file:", rule));
  EXPECT_FALSE(ParseSettleRule("file:run/x", rule));
  EXPECT_FALSE(ParseSettleRule("systemd", rule));
  EXPECT_FALSE(ParseSettleRule("", rule));
}

TEST(QuietDetectorTest, SettlesOnlyAfterTheQuietTimeWithoutChange) {
  QuietDetector quiet(2.0);
  EXPECT_FALSE(quiet.Update("a", 10.0));
  EXPECT_FALSE(quiet.Update("a", 11.9));
  EXPECT_TRUE(quiet.Update("a", 12.0));
}

TEST(QuietDetectorTest, BusyCpusAreNotQuiet) {
  QuietDetector quiet(2.0, 0.5);
  EXPECT_FALSE(quiet.Update("a", 0.0, 0.1));
  EXPECT_FALSE(quiet.Update("a", 1.0, 0.9));  // an init paging itself in: nothing else changes
  EXPECT_FALSE(quiet.Update("a", 2.5, 0.2));
  EXPECT_TRUE(quiet.Update("a", 3.0, 0.2));
}

TEST(QuietDetectorTest, AnyChangeRestartsTheQuietTime) {
  QuietDetector quiet(2.0);
  EXPECT_FALSE(quiet.Update("mounts-1", 0.0));
  EXPECT_FALSE(quiet.Update("mounts-2", 1.5));  // a late mount
  EXPECT_FALSE(quiet.Update("mounts-2", 3.0));
  EXPECT_TRUE(quiet.Update("mounts-2", 3.5));
  EXPECT_FALSE(quiet.Update("mounts-2+swap", 4.0));
}

}  // namespace
}  // namespace livecheck::agent

namespace livecheck::agent {
namespace {

TEST(WriteMarkerTest, WritesTheInitramfsMarkerLine) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  WriteMarker(fds[1], "agent-started", "by=rdinit");
  WriteMarker(-1, "ignored");
  close(fds[1]);
  char buffer[256] = {};
  ssize_t n = read(fds[0], buffer, sizeof buffer - 1);
  close(fds[0]);
  std::string line(buffer, n > 0 ? static_cast<size_t>(n) : 0);
  EXPECT_EQ(line.rfind("@@livecheck phase=agent-started t=", 0), 0u) << line;
  EXPECT_NE(line.find(" by=rdinit\n"), std::string::npos) << line;
}

}  // namespace
}  // namespace livecheck::agent
