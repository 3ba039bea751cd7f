#include "guest_agent/command_runner.h"

#include <gtest/gtest.h>

namespace livecheck::agent {
namespace {

TEST(CommandRunnerTest, ExitStatusAndBothStreams) {
  auto r = RunCommand("echo out; echo err >&2; exit 3", 10);
  EXPECT_EQ(r["exit_status"], 3);
  EXPECT_EQ(r["output"], "out\nerr\n");
  EXPECT_FALSE(r["timed_out"].get<bool>());
}

TEST(CommandRunnerTest, ATimeoutKillsTheWholeGroup) {
  auto r = RunCommand("sleep 30 & sleep 30; echo never", 0.5);
  EXPECT_TRUE(r["timed_out"].get<bool>());
  EXPECT_EQ(r["exit_status"], -1);
  EXPECT_EQ(r["signal"], 9);
  EXPECT_LT(r["seconds"].get<double>(), 5.0);
  EXPECT_EQ(r["output"], "");
}

TEST(CommandRunnerTest, OutputIsBoundedButCounted) {
  auto r = RunCommand("head -c 200000 /dev/zero | tr '\\0' x", 20);
  EXPECT_EQ(r["exit_status"], 0);
  EXPECT_EQ(r["output"].get<std::string>().size(), kMaxCommandOutput);
  EXPECT_EQ(r["output_bytes"], 200000);
}

TEST(CommandRunnerTest, NoShellIsExit127) {
  auto r = RunCommand("true", 5, "/nonexistent/sh");
  EXPECT_EQ(r["exit_status"], 127);
}

}  // namespace
}  // namespace livecheck::agent
