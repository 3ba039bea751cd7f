#include "builder/squashfs_image.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

// Extended attributes are packed (file capabilities live there).
TEST(SquashfsImageTest, KeepsExtendedAttributes) {
  auto argv = MksquashfsCommand({.source_dir = "/t"}, "/o.sqfs", "");
  EXPECT_NE(std::find(argv.begin(), argv.end(), "-xattrs"), argv.end());
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "-no-xattrs"), argv.end());
}

// A long mksquashfs says how far it got while it runs.
TEST(SquashfsImageTest, ReportsProgressWhileItRuns) {
  auto dir = testing::MakeTestDir();
  fs::create_directories(dir.path() / "tree");
  WriteFileAtomic(dir.path() / "tree/noise", RunChecked({.argv = {"head", "-c", "12000000", "/dev/urandom"}}).out);
  std::mutex mutex;
  std::vector<std::string> lines;
  SquashfsSpec spec{.source_dir = dir.path() / "tree", .compressor = Compressor::kXz};
  spec.progress = [&](const std::string& line) {
    std::lock_guard lock(mutex);
    lines.push_back(line);
  };
  spec.progress_seconds = 0.05;
  BuildSquashfs(spec, dir.path() / "root.squashfs");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("squashfs: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(" MiB written"), std::string::npos) << lines[0];
  EXPECT_TRUE(fs::exists(dir.path() / "root.squashfs"));
}

}  // namespace
}  // namespace livecheck
