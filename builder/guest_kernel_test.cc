#include "builder/guest_kernel.h"

#include "common/testing.h"

namespace livecheck {
namespace {

void AddKernel(const fs::path& root, const std::string& modules_root, const std::string& version) {
  fs::create_directories(root / "boot");
  fs::create_directories(root / modules_root / version);
  WriteFileAtomic(root / "boot" / ("vmlinuz-" + version), "kernel");
  WriteFileAtomic(root / modules_root / version / "modules.dep", "");
}

TEST(GuestKernelTest, AUsersTreeBootsItsOwnNewestKernelWithItsModules) {
  auto dir = testing::MakeTestDir();
  auto root = dir.path() / "tree";
  AddKernel(root, "usr/lib/modules", "6.1.0-1-amd64");
  AddKernel(root, "usr/lib/modules", "6.1.0-9-amd64");
  fs::create_directory_symlink("usr/lib", root / "lib");  // merged /usr, as Debian has it
  auto kernel = FindKernelInTree(root);
  ASSERT_TRUE(kernel);
  EXPECT_EQ(kernel->version, "6.1.0-9-amd64");
  EXPECT_EQ(kernel->image, root / "boot/vmlinuz-6.1.0-9-amd64");
  EXPECT_EQ(fs::canonical(kernel->modules_dir), fs::canonical(root / "usr/lib/modules/6.1.0-9-amd64"));
}

TEST(GuestKernelTest, AKernelWithoutItsModulesIsNotTheTreesKernel) {
  auto dir = testing::MakeTestDir();
  auto root = dir.path() / "tree";
  AddKernel(root, "lib/modules", "6.1.0-1-amd64");
  WriteFileAtomic(root / "boot/vmlinuz-7.0.0", "kernel without modules");
  EXPECT_EQ(FindKernelInTree(root)->version, "6.1.0-1-amd64");
  EXPECT_FALSE(FindKernelInTree(dir.path() / "no-such-tree"));
  fs::create_directories(dir.path() / "bare/boot");
  EXPECT_FALSE(FindKernelInTree(dir.path() / "bare"));
}

// An absolute symlink in the tree means the host's directory: never use it.
TEST(GuestKernelTest, ModulesOutsideTheTreeAreNotTheTrees) {
  auto dir = testing::MakeTestDir();
  auto root = dir.path() / "tree";
  AddKernel(dir.path() / "elsewhere", "lib/modules", "6.1.0-1-amd64");
  fs::create_directories(root / "boot");
  WriteFileAtomic(root / "boot/vmlinuz-6.1.0-1-amd64", "kernel");
  fs::create_directory_symlink(dir.path() / "elsewhere/lib", root / "lib");
  EXPECT_FALSE(FindKernelInTree(root));
}

}  // namespace
}  // namespace livecheck
