#include "common/install_layout.h"

#include <gtest/gtest.h>

#include "common/file_util.h"
#include "common/testing.h"

namespace livecheck {
namespace {

TEST(InstallLayoutTest, FindsTheAgentBesideTheBinaryOrInLibexec) {
  auto dir = testing::MakeTestDir();
  auto prefix = dir.path();
  fs::create_directories(prefix / "bin");
  EXPECT_EQ(FindAgentNear(prefix / "bin"), fs::path());
  fs::create_directories(prefix / "libexec/livecheck");
  WriteFileAtomic(prefix / "libexec/livecheck/livecheck-agent", "agent");
  EXPECT_EQ(FindAgentNear(prefix / "bin"), prefix / "libexec/livecheck/livecheck-agent");
  WriteFileAtomic(prefix / "bin/livecheck-agent", "agent in a build tree");
  EXPECT_EQ(FindAgentNear(prefix / "bin"), prefix / "bin/livecheck-agent");
}

TEST(InstallLayoutTest, DefaultsComeFromTheCheckoutElseTheInstalledData) {
  auto dir = testing::MakeTestDir();
  auto prefix = dir.path() / "usr";
  fs::create_directories(prefix / "bin");
  auto checkout_path = dir.path() / "checkout/builder/variants.toml";
  EXPECT_EQ(InstalledDataDir(prefix / "bin"), fs::path());
  // Neither: the path as given, so the error names what the user expects.
  EXPECT_EQ(DefaultDataPath(checkout_path, "variants.toml", prefix / "bin"), checkout_path);
  fs::create_directories(prefix / "share/livecheck");
  WriteFileAtomic(prefix / "share/livecheck/variants.toml", "[defaults]\n");
  EXPECT_EQ(InstalledDataDir(prefix / "bin"), prefix / "share/livecheck");
  EXPECT_EQ(DefaultDataPath(checkout_path, "variants.toml", prefix / "bin"), prefix / "share/livecheck/variants.toml");
  fs::create_directories(checkout_path.parent_path());
  WriteFileAtomic(checkout_path, "[defaults]\n");
  EXPECT_EQ(DefaultDataPath(checkout_path, "variants.toml", prefix / "bin"), checkout_path);
}

}  // namespace
}  // namespace livecheck
