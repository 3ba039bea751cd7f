#include "common/interrupt.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Every test here raises a real signal; each starts and ends uninterrupted.
class InterruptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    InstallInterruptHandler();
    ResetInterruptForTesting();
  }
  void TearDown() override { ResetInterruptForTesting(); }
};

template <typename Predicate>
bool WaitFor(Predicate done, milliseconds limit = milliseconds(5000)) {
  auto until = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

TEST_F(InterruptTest, SignalRunsEachActionOnceOnTheWatcherThread) {
  std::atomic<int> runs{0};
  std::atomic<std::thread::id> ran_on{};
  InterruptAction action([&] {
    ran_on = std::this_thread::get_id();
    ++runs;
  });
  EXPECT_FALSE(Interrupted());
  raise(SIGTERM);
  ASSERT_TRUE(WaitFor([&] { return runs.load() == 1; }));
  EXPECT_TRUE(Interrupted());
  EXPECT_EQ(InterruptSignal(), SIGTERM);
  EXPECT_NE(ran_on.load(), std::this_thread::get_id());
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(runs.load(), 1);
  try {
    ThrowIfInterrupted();
    ADD_FAILURE() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "interrupted by signal 15");
    EXPECT_EQ(e.exit_code(), kExitInterrupted);
  }
}

TEST_F(InterruptTest, ActionRegisteredAfterTheSignalRunsAtOnce) {
  raise(SIGINT);
  ASSERT_TRUE(WaitFor([] { return Interrupted(); }));
  int runs = 0;
  InterruptAction late([&] { ++runs; });
  EXPECT_EQ(runs, 1);
}

TEST_F(InterruptTest, ActionsThatDiedBeforeTheSignalDoNotRun) {
  std::atomic<int> runs{0};
  { InterruptAction gone([&] { ++runs; }); }
  raise(SIGINT);
  ASSERT_TRUE(WaitFor([] { return Interrupted(); }));
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(runs.load(), 0);
}

// What main() registers: a signal kills the child a RunProcess waits for,
// which then reaps it and gives up with exit code 130.
TEST_F(InterruptTest, SignalStopsARunningChildProcess) {
  InterruptAction kill_children(KillChildProcesses);
  auto started = Clock::now();
  std::thread signaller([] {
    std::this_thread::sleep_for(milliseconds(300));
    raise(SIGTERM);
  });
  try {
    RunProcess({.argv = {"sleep", "30"}});
    ADD_FAILURE() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitInterrupted);
  }
  signaller.join();
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(5));
  // Nothing new starts once interrupted.
  EXPECT_ERROR_CONTAINS(RunProcess({.argv = {"true"}}), "interrupted by signal 15");
}

TEST(KillChildProcessesTest, KillsOurChildrenOnly) {
  auto child = std::async(std::launch::async, [] { return RunProcess({.argv = {"sleep", "30"}}); });
  // Started by a shell, so not our child: must survive.
  auto grandchild_pid = RunProcess({.argv = {"sh", "-c", "sleep 30 > /dev/null 2>&1 & echo $!"}}).out;
  pid_t other = std::stoi(grandchild_pid);
  std::this_thread::sleep_for(milliseconds(200));
  KillChildProcesses();
  ASSERT_EQ(child.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(child.get().signal, SIGKILL);
  EXPECT_EQ(kill(other, 0), 0) << "a process that is not our child was killed";
  kill(other, SIGKILL);
}

}  // namespace
}  // namespace livecheck
