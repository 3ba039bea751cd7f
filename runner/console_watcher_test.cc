#include "runner/console_watcher.h"

#include "common/file_util.h"
#include "common/testing.h"

namespace livecheck {
namespace {

// A console log as QEMU writes it, growing between polls.
class ConsoleWatcherTest : public ::testing::Test {
 protected:
  void Append(const std::string& text) {
    written_ += text;
    WriteFileAtomic(log_, written_);
  }
  TempDir dir_ = testing::MakeTestDir();
  fs::path log_ = dir_.path() / "console.log";
  std::string written_;
};

TEST_F(ConsoleWatcherTest, MarkersOnceEachInOrderAcrossPolls) {
  ConsoleWatcher w;
  w.log = log_;
  w.start = ConsoleWatcher::Clock::now();
  std::vector<std::string> seen;
  w.on_marker = [&](const std::string& phase) { seen.push_back(phase); };
  Append("[    1.0] kernel line\n@@livecheck phase=init t=1.50\n@@livecheck phase=modules-");
  w.Poll();
  Append("loaded t=2.25\n");
  w.Poll();
  w.Poll();
  ASSERT_EQ(w.phases.size(), 2u);
  EXPECT_EQ(w.phases[1].phase, "modules-loaded") << "a marker split between two polls is read once, whole";
  EXPECT_DOUBLE_EQ(w.phases[1].guest_seconds, 2.25);
  EXPECT_EQ(seen, (std::vector<std::string>{"init", "modules-loaded"}));
  EXPECT_TRUE(w.Seen("init"));
  EXPECT_FALSE(w.Seen("root-ready"));
}

TEST_F(ConsoleWatcherTest, PanicLineAndReadyPromptWithoutNewline) {
  ConsoleWatcher w;
  w.log = log_;
  w.start = ConsoleWatcher::Clock::now();
  w.ready_pattern.emplace("[#$] $");
  Append("Debian GNU/Linux 12 debian-live ttyS0\nroot@debian-live:~# ");
  w.Poll();
  ASSERT_TRUE(w.Seen("ready"));
  EXPECT_EQ(w.phases.back().guest_seconds, -1) << "no guest clock without markers";
  Append("\n[   9.1] Kernel panic - not syncing: sysrq triggered crash\n");
  w.Poll();
  EXPECT_EQ(w.kernel_panic, "Kernel panic - not syncing: sysrq triggered crash");
}

// What a dracut initramfs printed when it found no root in the squashfs,
// before systemd halted the machine: the first such line is kept.
TEST_F(ConsoleWatcherTest, AnInitramfsThatGivesUpIsSeenAtOnce) {
  ConsoleWatcher w;
  w.log = log_;
  w.start = ConsoleWatcher::Clock::now();
  Append("[   18.042641] dracut: FATAL: Failed to find a root filesystem in /run/initramfs/live/live/root.squashfs.\n"
         "[   18.043233] dracut: Refusing to continue\n[   18.721179] reboot: System halted\n");
  w.Poll();
  EXPECT_EQ(w.gave_up, "dracut: FATAL: Failed to find a root filesystem in /run/initramfs/live/live/root.squashfs.");
  EXPECT_EQ(GaveUpLine("[ 1.0] reboot: System halted"), "reboot: System halted");
  EXPECT_EQ(GaveUpLine("[ 1.0] reboot: Power down"), "");
  EXPECT_EQ(GaveUpLine("dracut-initqueue[210]: FATAL is only a word here"), "");
  // Debian's live-boot with live-media=removable and a stick reporting fixed media.
  EXPECT_EQ(GaveUpLine("    Unable to find a medium containing a live file system"),
            "Unable to find a medium containing a live file system");
}

}  // namespace
}  // namespace livecheck
