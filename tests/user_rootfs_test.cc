// A user's own root tree packed with the default exclude list, as a user
// would with `mksquashfs ROOT out -comp xz -ef exclude`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

TEST(UserRootfsTest, ExcludeListIsHonouredInImageAndManifest) {
  auto dir = testing::MakeTestDir();
  auto root = dir.path() / "root";
  for (const char* d : {"sys/kernel", "proc/1", "dev", "run/lock", "usr/src/linux", "usr/portage/x", "etc", "usr/bin"})
    fs::create_directories(root / d);
  WriteFileAtomic(root / "etc/hostname", "mine\n");
  WriteFileAtomic(root / "usr/src/linux/Makefile", "all:\n");
  WriteFileAtomic(root / "sys/kernel/x", "x");
  WriteFileAtomic(root / "usr/bin/tool", "#!/bin/sh\n", 0755);
  WriteFileAtomic(root / "usr/srcinfo", "kept: only usr/src/ is excluded\n");
  fs::create_symlink("/usr/bin/tool", root / "usr/bin/abs-link");  // packed as is, never followed
  // A file capability (as ping's cap_net_raw) lives in an extended attribute.
  RunChecked({.argv = {"setcap", "cap_net_raw+ep", (root / "usr/bin/tool").string()}});
  WriteFileAtomic(dir.path() / "variants.toml", "[variant.mine]\nrootfs = \"root\"\ncompressor = \"xz\"\n");

  auto out = dir.path() / "out";
  auto r = RunProcess({.argv = {LIVECHECK_BINARY, "build", "--config", (dir.path() / "variants.toml").string(),
                                "--out", out.string()},
                       .timeout = std::chrono::minutes(3)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  auto listing = RunChecked({.argv = {"unsquashfs", "-l", (out / "mine/root.squashfs").string()}}).out;
  EXPECT_NE(listing.find("squashfs-root/etc/hostname"), std::string::npos) << listing;
  EXPECT_NE(listing.find("squashfs-root/usr/srcinfo"), std::string::npos);
  EXPECT_NE(listing.find("squashfs-root/usr/bin/abs-link"), std::string::npos);
  for (const char* gone : {"squashfs-root/sys", "squashfs-root/proc", "squashfs-root/dev", "squashfs-root/run",
                           "squashfs-root/usr/src\n", "squashfs-root/usr/src/", "squashfs-root/usr/portage"})
    EXPECT_EQ(listing.find(gone), std::string::npos) << gone << " in\n" << listing;

  auto manifest = nlohmann::json::parse(ReadFile(out / "mine/manifest.json"));
  std::vector<std::string> paths;
  for (const auto& e : manifest["rootfs"]) paths.push_back(e["path"]);
  EXPECT_EQ(paths, (std::vector<std::string>{"/etc", "/etc/hostname", "/usr", "/usr/bin", "/usr/bin/abs-link",
                                             "/usr/bin/tool", "/usr/srcinfo"}));
  // The capability survived: read back from the image by unsquashfs and getcap.
  auto unpacked = dir.path() / "unpacked";
  RunChecked({.argv = {"unsquashfs", "-q", "-n", "-d", unpacked.string(), (out / "mine/root.squashfs").string(),
                       "usr/bin/tool"}});
  auto caps = RunChecked({.argv = {"getcap", (unpacked / "usr/bin/tool").string()}}).out;
  EXPECT_NE(caps.find("cap_net_raw=ep"), std::string::npos) << caps;
  // The user's tree is untouched.
  EXPECT_TRUE(fs::exists(root / "sys/kernel/x"));
  EXPECT_EQ(fs::read_symlink(root / "usr/bin/abs-link"), "/usr/bin/tool");
}

}  // namespace
}  // namespace livecheck
