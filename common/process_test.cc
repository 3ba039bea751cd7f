#include "common/process.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(ProcessTest, CapturesOutputAndExitCode) {
  auto result = RunProcess({.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"}});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
}

TEST(ProcessTest, PassesArgumentsWithoutShell) {
  // A shell would expand $HOME and split on the space.
  auto result = RunProcess({.argv = {"printf", "%s|", "$HOME", "a b"}});
  EXPECT_EQ(result.out, "$HOME|a b|");
}

TEST(ProcessTest, FeedsStdinAndEnvironment) {
  auto result = RunProcess({.argv = {"sh", "-c", "cat; echo $LC_TEST_VAR"},
                            .stdin_data = "hello\n",
                            .extra_env = {{"LC_TEST_VAR", "42"}}});
  EXPECT_EQ(result.out, "hello\n42\n");
}

TEST(ProcessTest, KillsOnTimeout) {
  auto result = RunProcess({.argv = {"sleep", "30"}, .timeout = std::chrono::milliseconds(200)});
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.signal, SIGKILL);
}

TEST(ProcessTest, CheckedRunNamesCommandAndLastStderrLine) {
  EXPECT_ERROR_CONTAINS(RunChecked({.argv = {"sh", "-c", "echo first >&2; echo boom >&2; exit 4"}}),
                        "(exit 4): boom");
}

TEST(ProcessTest, MissingProgramIsAnError) {
  EXPECT_ERROR_CONTAINS(RunProcess({.argv = {"no-such-program-livecheck"}}),
                        "cannot run no-such-program-livecheck");
}

}  // namespace
}  // namespace livecheck
