#include "builder/build_cache.h"

#include <atomic>
#include <thread>

#include "common/error.h"
#include "common/testing.h"

namespace livecheck {
namespace {

TEST(OnceMapTest, ConcurrentCallersShareOneRun) {
  OnceMap once;
  std::atomic<int> runs{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      once.Run("squashfs-abc", [&] {
        ++runs;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      });
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
}

TEST(OnceMapTest, FailureIsSharedWithWaiters) {
  OnceMap once;
  EXPECT_THROW(once.Run("k", [] { throw Error("disk full"); }), Error);
  EXPECT_ERROR_CONTAINS(once.Run("k", [] {}), "disk full");
}

TEST(FileDigestsTest, ChangeOfContentChangesDigest) {
  auto dir = testing::MakeTestDir();
  auto file = dir.path() / "f";
  WriteFileAtomic(file, "one");
  FileDigests digests;
  auto first = digests.Get(file);
  EXPECT_EQ(digests.Get(file), first);
  WriteFileAtomic(file, "two, longer");  // a new inode and size: a new key
  EXPECT_NE(digests.Get(file), first);
}

TEST(CachedStagePathTest, NamedByStageAndKey) {
  EXPECT_EQ(CachedStagePath("/out", "squashfs", std::string(64, 'a'), ".img"),
            fs::path("/out/.cache/squashfs-" + std::string(32, 'a') + ".img"));
}

}  // namespace
}  // namespace livecheck
