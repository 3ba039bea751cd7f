#include "runner/error_cause.h"

#include <signal.h>

#include <gtest/gtest.h>

#include "channels/agent_client.h"
#include "channels/qmp_client.h"
#include "common/error.h"

namespace livecheck {
namespace {

TEST(ErrorCauseTest, TheGuestsOwnFailureIsTheImagesWhateverFollowed) {
  EXPECT_EQ(ClassifyError({.guest_failed = true, .machine_lost = "QEMU was killed by signal 9 (Killed)",
                           .channel_failed = true}),
            ErrorCause::kImage);
}

TEST(ErrorCauseTest, ALostMachineOrAFailedChannelIsTheInfrastructures) {
  EXPECT_EQ(ClassifyError({.machine_lost = "QEMU exited with status 1"}), ErrorCause::kInfrastructure);
  EXPECT_EQ(ClassifyError({.channel_failed = true}), ErrorCause::kInfrastructure);
  EXPECT_EQ(ClassifyError({.host_failed = true}), ErrorCause::kInfrastructure);
}

TEST(ErrorCauseTest, AGuestThatStoppedItsMachineOrTimedOutIsTheImages) {
  // QEMU exited 0 on its own (a reset under -no-reboot): QMP then fails as a consequence.
  EXPECT_EQ(ClassifyError({.machine_exited = true, .channel_failed = true}), ErrorCause::kImage);
  // A phase timeout: nothing says the host was at fault.
  EXPECT_EQ(ClassifyError({}), ErrorCause::kImage);
}

TEST(ErrorCauseTest, ExceptionsSayWhatFailed) {
  ErrorFacts qmp, agent, memory, environment, input;
  NoteException(QmpError("QMP: connection closed"), qmp);
  NoteException(AgentError("agent: timed out"), agent);
  NoteException(std::bad_alloc(), memory);
  NoteException(Error("cannot start qemu-system-x86_64", kExitEnvironment), environment);
  NoteException(Error("timed out waiting for phase 'agent-started'"), input);
  EXPECT_TRUE(qmp.channel_failed);
  EXPECT_TRUE(agent.channel_failed);
  EXPECT_TRUE(memory.host_failed);
  EXPECT_TRUE(environment.host_failed);
  EXPECT_FALSE(input.channel_failed || input.host_failed);
}

TEST(ErrorCauseTest, QemuExitReasonsFromRealWaitStatuses) {
  pid_t child = fork();
  if (child == 0) {
    raise(SIGKILL);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_EQ(QemuExitReason(status), "QEMU was killed by signal 9 (Killed)");
  child = fork();
  if (child == 0) _exit(1);
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_EQ(QemuExitReason(status), "QEMU exited with status 1");
  child = fork();
  if (child == 0) _exit(0);
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_EQ(QemuExitReason(status), "");
}

TEST(ErrorCauseTest, NamesRoundTrip) {
  for (auto cause : {ErrorCause::kNone, ErrorCause::kImage, ErrorCause::kInfrastructure})
    EXPECT_EQ(ParseErrorCause(ErrorCauseName(cause)), cause);
}

}  // namespace
}  // namespace livecheck
