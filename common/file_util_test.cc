#include "common/file_util.h"

#include <sys/stat.h>

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(FileUtilTest, AtomicWriteLeavesNoTemporary) {
  auto dir = testing::MakeTestDir();
  WriteFileAtomic(dir.path() / "a", "content");
  EXPECT_EQ(ReadFile(dir.path() / "a"), "content");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1);
}

// A set of reports lands whole or not at all: when the last file cannot be
// written, the earlier ones keep their old content and no temporary remains.
TEST(FileUtilTest, WriteFilesTogetherIsAllOrNothing) {
  auto dir = testing::MakeTestDir();
  WriteFileAtomic(dir.path() / "a", "old a");
  EXPECT_ERROR_CONTAINS(WriteFilesTogether({{dir.path() / "a", "new a"}, {dir.path() / "missing/b", "new b"}}),
                        "missing/b");
  EXPECT_EQ(ReadFile(dir.path() / "a"), "old a");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1);
  WriteFilesTogether({{dir.path() / "a", "new a"}, {dir.path() / "b", "new b"}});
  EXPECT_EQ(ReadFile(dir.path() / "a") + ReadFile(dir.path() / "b"), "new anew b");
}

TEST(FileUtilTest, ReplaceWithCopyDoesNotWriteThroughSymlink) {
  auto dir = testing::MakeTestDir();
  WriteFileAtomic(dir.path() / "precious", "keep me");
  WriteFileAtomic(dir.path() / "new", "new content");
  fs::create_symlink(dir.path() / "precious", dir.path() / "link");
  ReplaceWithCopy(dir.path() / "new", dir.path() / "link");
  EXPECT_EQ(ReadFile(dir.path() / "precious"), "keep me");
  EXPECT_FALSE(fs::is_symlink(dir.path() / "link"));
  EXPECT_EQ(ReadFile(dir.path() / "link"), "new content");
}

TEST(FileUtilTest, ClampTreeMtimesDoesNotFollowLinks) {
  auto dir = testing::MakeTestDir();
  fs::create_directories(dir.path() / "tree/sub");
  WriteFileAtomic(dir.path() / "tree/sub/f", "x");
  WriteFileAtomic(dir.path() / "outside", "x");
  fs::create_symlink(dir.path() / "outside", dir.path() / "tree/link");
  ClampTreeMtimes(dir.path() / "tree", 1000);
  struct stat st;
  lstat((dir.path() / "tree/sub/f").c_str(), &st);
  EXPECT_EQ(st.st_mtime, 1000);
  lstat((dir.path() / "tree").c_str(), &st);
  EXPECT_EQ(st.st_mtime, 1000);
  stat((dir.path() / "outside").c_str(), &st);
  EXPECT_NE(st.st_mtime, 1000);
}

TEST(FileUtilTest, TempDirIsPrivateAndRemoved) {
  fs::path kept;
  {
    auto dir = testing::MakeTestDir();
    kept = dir.path();
    EXPECT_EQ(fs::status(kept).permissions() & fs::perms::all, fs::perms::owner_all);
  }
  EXPECT_FALSE(fs::exists(kept));
}

}  // namespace
}  // namespace livecheck

namespace livecheck {
namespace {

TEST(DirectoryClaimTest, SecondClaimIsRefusedUntilTheFirstEnds) {
  auto dir = testing::MakeTestDir();
  {
    DirectoryClaim first(dir.path(), "--report-dir");
    // flock locks are per open file description: a second open in this process conflicts too.
    EXPECT_ERROR_CONTAINS(DirectoryClaim(dir.path(), "--report-dir"),
                          "--report-dir " + dir.path().string() + " is in use by another livecheck run");
  }
  DirectoryClaim again(dir.path(), "--report-dir");
}

}  // namespace
}  // namespace livecheck

namespace livecheck {
namespace {

TEST(ReadFileFromTest, ReadsOnlyNewBytesUpToTheCap) {
  auto dir = testing::MakeTestDir();
  auto log = dir.path() / "console.log";
  EXPECT_EQ(ReadFileFrom(log, 0, 100), "");  // no file yet
  WriteFileAtomic(log, "first line\nsecond");
  EXPECT_EQ(ReadFileFrom(log, 0, 5), "first");
  EXPECT_EQ(ReadFileFrom(log, 11, 100), "second");
  EXPECT_EQ(ReadFileFrom(log, 17, 100), "");
}

}  // namespace
}  // namespace livecheck
