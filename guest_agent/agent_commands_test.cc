#include "guest_agent/agent_commands.h"

#include <unistd.h>

#include "common/file_util.h"
#include "common/process.h"
#include "common/sha256.h"
#include "common/testing.h"

namespace livecheck::agent {
namespace {

TEST(AgentCommandsTest, ParsesMountInfoWithEscapes) {
  auto mounts = ParseMountInfo(
      "22 1 0:21 / /run/live/lower ro,relatime shared:1 - squashfs /dev/loop0 ro,errors=continue\n"
      "23 1 0:22 / /mnt/with\\040space rw - tmpfs upper rw\n"
      "garbage line\n");
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_EQ(mounts[0].mount_point, "/run/live/lower");
  EXPECT_EQ(mounts[0].fs_type, "squashfs");
  EXPECT_EQ(mounts[0].source, "/dev/loop0");
  EXPECT_EQ(mounts[0].options, "ro,relatime");
  EXPECT_EQ(mounts[0].device, "0:21");
  EXPECT_EQ(mounts[0].super_options, "ro,errors=continue");
  EXPECT_EQ(mounts[1].mount_point, "/mnt/with space");
}

TEST(AgentCommandsTest, HashTreeMatchesHostDigestsAndSkips) {
  auto dir = testing::MakeTestDir();
  WriteFileAtomic(dir.path() / "a", "alpha");
  fs::create_directories(dir.path() / "skip/me");
  WriteFileAtomic(dir.path() / "skip/me/x", "x");
  fs::create_directories(dir.path() / "sub");
  WriteFileAtomic(dir.path() / "sub/b", "beta");
  fs::create_symlink("/etc/passwd", dir.path() / "link");  // not followed
  auto files = HashTree(dir.path().string(), {(dir.path() / "skip").string()});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0]["path"], (dir.path() / "a").string());
  EXPECT_EQ(files[0]["sha256"], Sha256Hex("alpha"));
  EXPECT_EQ(files[1]["sha256"], Sha256Hex("beta"));
}

TEST(AgentCommandsTest, WriteProbeReportsErrnoName) {
  auto dir = testing::MakeTestDir();
  auto ok = WriteProbe((dir.path() / "probe").string(), "x");
  EXPECT_TRUE(ok["written"]);
  auto missing = WriteProbe((dir.path() / "no/such/dir/probe").string(), "x");
  EXPECT_FALSE(missing["written"]);
  EXPECT_EQ(missing["errno"], "ENOENT");
  EXPECT_TRUE(Stat((dir.path() / "probe").string())["exists"]);
  EXPECT_FALSE(Stat((dir.path() / "nope").string())["exists"]);
}

TEST(AgentCommandsTest, StatfsSeesReadOnlyProc) {
  auto proc = Statfs("/proc/sys");  // sysctl tree: a real file system on every Linux host
  EXPECT_FALSE(proc.contains("error"));
  EXPECT_TRUE(proc.contains("fs_magic"));
}

TEST(AgentCommandsTest, UnknownAndMalformedRequestsAreErrorsNotCrashes) {
  auto r = HandleRequest({{"id", 7}, {"cmd", "format-disk"}});
  EXPECT_EQ(r["id"], 7);
  EXPECT_FALSE(r["ok"]);
  EXPECT_EQ(r["error"], "unknown command 'format-disk'");
  r = HandleRequest({{"id", 8}});
  EXPECT_FALSE(r["ok"]);
  r = HandleRequest({{"id", 9}, {"cmd", "statfs"}, {"path", 42}});
  EXPECT_FALSE(r["ok"]);
  r = HandleRequest({{"id", "not a number"}, {"cmd", 5}});  // found by fuzzing: must not throw
  EXPECT_EQ(r["id"], 0);
  EXPECT_FALSE(r["ok"]);
}

// The real agent binary over pipes: hello line, then one answer per request,
// garbage answered with an error, the channel kept alive.
TEST(AgentBinaryTest, SpeaksLineJsonOverStdio) {
  auto r = RunProcess({.argv = {LIVECHECK_AGENT_BINARY},
                       .stdin_data = "{\"id\":1,\"cmd\":\"ping\"}\nnot json\n{\"id\":2,\"cmd\":\"stat\",\"path\":\"/\"}\n",
                       .timeout = std::chrono::seconds(10)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> lines;
  size_t start = 0;
  while (start < r.out.size()) {
    auto end = r.out.find('\n', start);
    lines.push_back(nlohmann::json::parse(r.out.substr(start, end - start)));
    start = end + 1;
  }
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0]["event"], "ready");
  EXPECT_EQ(lines[1]["id"], 1);
  EXPECT_TRUE(lines[1]["ok"]);
  EXPECT_EQ(lines[2]["error"], "malformed request");
  EXPECT_EQ(lines[3]["result"]["type"], "dir");
}

TEST(AgentBinaryTest, IsStaticallyLinked) {
  auto r = RunProcess({.argv = {"ldd", LIVECHECK_AGENT_BINARY}});
  EXPECT_NE((r.out + r.err).find("not a dynamic executable"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace livecheck::agent
