#include "channels/shell_transcript.h"

#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

TEST(ShellTranscriptTest, CleansEscapesAndControlBytes) {
  EXPECT_EQ(CleanConsoleText("a\r\n\x1b[1;32mgreen\x1b[0m\x1b]0;title\x07 b\x01\x7f\tc"), "a\ngreen b\tc");
  EXPECT_EQ(CleanConsoleText("\x1b["), "");  // a truncated sequence is dropped, not kept
}

TEST(ShellTranscriptTest, RecognisesKernelLines) {
  EXPECT_TRUE(IsKernelLogLine("[   12.345678] usb 1-1: USB disconnect, device number 2"));
  EXPECT_TRUE(IsKernelLogLine("[1.5] x"));
  EXPECT_FALSE(IsKernelLogLine("[x] not a kernel line"));
  EXPECT_FALSE(IsKernelLogLine("/dev/sda1 / ext4 rw 0 0"));
  EXPECT_FALSE(IsKernelLogLine("[12.] x"));
}

// The command line really runs in a shell, and its output parses back.
TEST(ShellTranscriptTest, MarkedCommandRunsInARealShell) {
  auto line = MarkedCommandLine("echo one; echo two; (exit 3)", "tok1");
  auto r = RunProcess({.argv = {"/bin/sh", "-c", line}});
  auto out = ExtractMarkedOutput(CleanConsoleText(r.out), "tok1");
  ASSERT_TRUE(out) << r.out;
  EXPECT_EQ(out->exit_status, 3);
  EXPECT_EQ(out->output, "one\ntwo\n");
  auto empty = ExtractMarkedOutput(CleanConsoleText(RunProcess({.argv = {"/bin/sh", "-c", MarkedCommandLine("true", "t")}}).out), "t");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->output, "");
  EXPECT_EQ(empty->exit_status, 0);
}

// What a serial console shows: the echo of the typed line (which must not
// count as a marker), a kernel message in the middle, the prompt after.
TEST(ShellTranscriptTest, EchoKernelMessagesAndPromptAreNotOutput) {
  std::string token = "abc-1";
  std::string console = "root@live:~# " + MarkedCommandLine("cat /proc/swaps", token) + "\r\n" +
                        "\r\n@@LCB-abc-1\r\nFilename Type\r\n[   33.100000] usb 1-1: USB disconnect\r\n"
                        "/dev/sda2 partition\r\n\r\n@@LCE-abc-1 0\r\nroot@live:~# ";
  auto out = ExtractMarkedOutput(CleanConsoleText(console), token);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->output, "Filename Type\n/dev/sda2 partition\n");
  EXPECT_EQ(out->exit_status, 0);
  // Not yet complete: no end marker, or its status line still arriving.
  EXPECT_FALSE(ExtractMarkedOutput(CleanConsoleText(console.substr(0, console.find("@@LCE-abc-1 0"))), token));
  EXPECT_FALSE(ExtractMarkedOutput("\n@@LCB-abc-1\nx\n@@LCE-abc-1 0", token));
  // A different token is a different command.
  EXPECT_FALSE(ExtractMarkedOutput(CleanConsoleText(console), "abc-2"));
}

TEST(ShellTranscriptTest, PromptOnTheLastLineOnly) {
  EXPECT_TRUE(EndsWithPrompt("boot...\nroot@debian-live:~# ", "[#$] $"));
  EXPECT_TRUE(EndsWithPrompt("/ # ", "[#$] $"));
  EXPECT_FALSE(EndsWithPrompt("root@debian-live:~# \nmore output", "[#$] $"));
  EXPECT_FALSE(EndsWithPrompt("x# ", "[unclosed"));  // a bad pattern never matches
}

}  // namespace
}  // namespace livecheck
