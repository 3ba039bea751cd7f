#include "evidence/disk_diff.h"

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

// An ext4 image changed with debugfs (an independent tool): one file
// created, one deleted, one rewritten with other content.
TEST(DiskDiffTest, ListsCreatedModifiedAndDeletedFiles) {
  auto dir = testing::MakeTestDir();
  fs::create_directories(dir.path() / "tree");
  WriteFileAtomic(dir.path() / "tree/known.txt", "the suspect's data\n");
  WriteFileAtomic(dir.path() / "tree/keep.txt", "version 1\n");
  auto before = dir.path() / "before.img";
  RunChecked({.argv = {"mkfs.ext4", "-q", "-F", "-d", (dir.path() / "tree").string(), before.string(), "8M"}});
  auto after = dir.path() / "after.img";
  ReplaceWithCopy(before, after);
  WriteFileAtomic(dir.path() / "leak.txt", "leaked!\n");
  WriteFileAtomic(dir.path() / "keep2.txt", "version 2, longer\n");
  for (const std::string& request : std::vector<std::string>{"rm /known.txt", "write " + (dir.path() / "leak.txt").string() + " /leak.txt",
                                     "rm /keep.txt", "write " + (dir.path() / "keep2.txt").string() + " /keep.txt"})
    RunChecked({.argv = {"debugfs", "-w", "-R", request, after.string()}});

  auto diff = DiffDisks(before, "raw", after, "raw");
  ASSERT_EQ(diff.error, "");
  std::map<std::string, std::string> changes;
  for (const auto& c : diff.changes) changes[c.path] = c.change;
  EXPECT_EQ(changes, (std::map<std::string, std::string>{
                         {"/leak.txt", "created"}, {"/known.txt", "deleted"}, {"/keep.txt", "modified"}}));
  auto summary = SummarizeDiff(diff);
  EXPECT_NE(summary.find("1 created (/leak.txt, 8 B)"), std::string::npos) << summary;
  EXPECT_EQ(ToJson(diff)["changes"].size(), 3u);
}

TEST(DiskDiffTest, FailureIsAValueNotAnException) {
  auto diff = DiffDisks("/nonexistent/a.img", "raw", "/nonexistent/b.img", "raw");
  EXPECT_NE(diff.error, "");
  EXPECT_NE(SummarizeDiff(diff).find("no file diff"), std::string::npos);
}

}  // namespace
}  // namespace livecheck
