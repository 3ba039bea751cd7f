#include "machine/qemu_process.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <string>

#include "common/file_util.h"
#include "common/testing.h"

namespace livecheck {
namespace {

// The kernel's own account of a process's THP flag (Linux 5.0 and later).
std::string ThpEnabledLine(pid_t pid) {
  std::string status = ReadFile(fs::path("/proc") / std::to_string(pid) / "status");
  auto at = status.find("THP_enabled:");
  if (at == std::string::npos) return "";
  return status.substr(at, status.find('\n', at) - at);
}

TEST(QemuProcessTest, SmallPagesReachTheChildAndLeaveLivecheckAsItWas) {
  ASSERT_EQ(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 0);
  TempDir dir(fs::temp_directory_path(), "livecheck-qemu-process-test-");
  // Any process shows the flag it was started with; sleep stays long enough to read it.
  QemuProcess small({"sleep", "30"}, dir.path() / "small.log", HostPages::kSmall);
  QemuProcess default_pages({"sleep", "30"}, dir.path() / "default.log", HostPages::kQemuDefault);
  EXPECT_EQ(ThpEnabledLine(small.pid()), "THP_enabled:\t0");
  EXPECT_EQ(ThpEnabledLine(default_pages.pid()), "THP_enabled:\t1");
  EXPECT_EQ(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 0);
}

TEST(QemuProcessTest, WaitExitReapsAProcessThatEndsAndKeepsItsStatus) {
  TempDir dir(fs::temp_directory_path(), "livecheck-qemu-process-test-");
  QemuProcess ends({"false"}, dir.path() / "false.log");
  auto status = ends.WaitExit(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 1);
  EXPECT_EQ(ends.ExitedOnItsOwn(), status);

  QemuProcess stays({"sleep", "30"}, dir.path() / "sleep.log");
  EXPECT_FALSE(stays.WaitExit(std::chrono::milliseconds(120)).has_value());
  stays.Kill();
  EXPECT_FALSE(stays.ExitedOnItsOwn().has_value()) << "killed by livecheck, not ended on its own";
}

TEST(QemuProcessTest, TcgMachineStartsOnSmallPages) {
  TempDir dir(fs::temp_directory_path(), "livecheck-qemu-process-test-");
  // Firmware with nothing to boot: QEMU starts and stays, which is all this needs.
  MachineDescription m{.boot = BootMode::kBiosUsb, .accel = "tcg", .memory_mb = 64};
  QemuProcess qemu(m, dir.path() / "qemu.log");
  EXPECT_EQ(ThpEnabledLine(qemu.pid()), "THP_enabled:\t0") << ReadFile(dir.path() / "qemu.log");
}

}  // namespace
}  // namespace livecheck
