#include "evidence/layer_checks.h"

#include "common/testing.h"
#include "evidence/ram_copy_check.h"
#include "evidence/union_layers.h"

namespace livecheck {
namespace {

using testing::Mount;

// livecheck's own init, as the agent reads mountinfo.
nlohmann::json OwnRoot() {
  auto root = Mount("/", "overlay", "rw,relatime", "overlay");
  root["super_options"] = "rw,lowerdir=/run/live/lower,upperdir=/run/live/upper/data,workdir=/run/live/upper/work";
  return root;
}

nlohmann::json GoodLowerEvidence() {
  return {{"mounts", {OwnRoot(), Mount("/run/live/lower", "squashfs", "ro,relatime", "/dev/loop0"),
                      Mount("/run/live/upper", "tmpfs", "rw")}},
          {"lower_probe", {{"written", false}, {"errno", "EROFS"}}},
          {"union_probe", {{"written", true}, {"errno", ""}}},
          {"upper_stat", {{"exists", true}}},
          {"lower_stat", {{"exists", false}}}};
}

TEST(LayerChecksTest, LowerReadonlyPassesOnReadOnlySquashfs) {
  auto r = CheckLowerReadonly(GoodLowerEvidence());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
}

TEST(LayerChecksTest, LowerReadonlyFailsOnWritableOrWrongLower) {
  auto e = GoodLowerEvidence();
  e["mounts"][1] = Mount("/run/live/lower", "tmpfs", "rw");
  auto r = CheckLowerReadonly(e);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "the lower layer /run/live/lower is tmpfs on /run/live/lower, not squashfs");

  e = GoodLowerEvidence();
  e["lower_probe"] = {{"written", true}, {"errno", ""}};
  EXPECT_EQ(CheckLowerReadonly(e).summary, "writing to the lower layer gave success (expected EROFS)");

  e = GoodLowerEvidence();
  e["lower_stat"] = {{"exists", true}};
  EXPECT_EQ(CheckLowerReadonly(e).status, Status::kFail);
}

TEST(LayerChecksTest, MalformedAgentAnswersFailInsteadOfThrowing) {
  nlohmann::json e = {{"mounts", "not a list"}, {"lower_probe", 42}, {"union_probe", nullptr}};
  EXPECT_EQ(CheckLowerReadonly(e).status, Status::kFail);
  e = {{"mounts", {1, "two", nullptr}}};
  EXPECT_EQ(CheckUpperTmpfs(e).status, Status::kFail);
  nlohmann::json r = {{"toram", true}, {"mounts_before", 7}, {"unplugged", true}, {"files", "garbage"}};
  EXPECT_EQ(CheckRamCopy(r, {{"/a", "file", 0644, 1, "x", ""}}).status, Status::kFail);
  // The fuzzer's second finding: a mount entry whose fields have the wrong type.
  e = GoodLowerEvidence();
  e["mounts"][1]["options"] = 2e6;
  EXPECT_EQ(CheckLowerReadonly(e).status, Status::kFail);
  e["mounts"][2] = {{"mount_point", "/run/live/upper"}, {"fs_type", 7}, {"source", false}};
  EXPECT_EQ(CheckUpperTmpfs(e).status, Status::kFail);
}

TEST(LayerChecksTest, UpperTmpfs) {
  EXPECT_EQ(CheckUpperTmpfs(GoodLowerEvidence()).status, Status::kPass);
  nlohmann::json e = {{"mounts", {Mount("/run/live/upper", "ext4", "rw", "/dev/loop1")}}};
  auto r = CheckUpperTmpfs(e);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "the upper layer /run/live/upper/data is ext4 on /run/live/upper from /dev/loop1, not tmpfs");
}

TEST(LayerChecksTest, UnionRootOverReadOnlyLowerAndRamUpper) {
  auto live_boot = nlohmann::json::array(
      {Mount("/run/live/rootfs/filesystem.squashfs", "squashfs", "ro,noatime", "/dev/loop0"),
       Mount("/run/live/overlay", "tmpfs", "rw,noatime", "tmpfs"),
       Mount("/", "overlay", "rw,noatime,lowerdir=/run/live/rootfs/filesystem.squashfs/,upperdir=/run/live/overlay/rw,"
                             "workdir=/run/live/overlay/work", "overlay")});
  EXPECT_EQ(CheckUnionRoot(live_boot).status, Status::kPass) << CheckUnionRoot(live_boot).summary;
  auto writable_lower = live_boot;
  writable_lower[0] = Mount("/run/live/rootfs/filesystem.squashfs", "tmpfs", "rw");
  EXPECT_EQ(CheckUnionRoot(writable_lower).status, Status::kFail);
  auto upper_on_disk = live_boot;
  upper_on_disk[1] = Mount("/run/live/overlay", "ext4", "rw", "/dev/sda1");
  EXPECT_NE(CheckUnionRoot(upper_on_disk).summary.find("not in RAM"), std::string::npos);
  EXPECT_EQ(CheckUnionRoot(nlohmann::json::array({Mount("/", "ext4", "rw", "/dev/sda1")})).summary,
            "the root is ext4 on /dev/sda1, not a union");
  EXPECT_EQ(CheckUnionRoot(nlohmann::json::array({Mount("/", "fuse.unionfs", "rw")})).status, Status::kError);
  EXPECT_EQ(CheckUnionRoot("garbage").status, Status::kFail);
}

// Other stacks name their layers differently; the root overlay's options say
// where they are (paths as the booted system sees them).
TEST(LayerChecksTest, LayerChecksFollowTheRootOverlay) {
  auto dracut_root = Mount("/", "overlay", "rw,relatime", "LiveOS_rootfs");
  dracut_root["super_options"] = "rw,lowerdir=/run/rootfsbase,upperdir=/run/overlayfs,workdir=/run/ovlwork";
  nlohmann::json e = GoodLowerEvidence();
  e["mounts"] = {Mount("/run", "tmpfs", "rw,nosuid,nodev"), Mount("/run/rootfsbase", "squashfs", "ro,relatime", "/dev/loop0"),
                 dracut_root};
  EXPECT_EQ(CheckLowerReadonly(e).summary,
            "lower /run/rootfsbase is a read-only squashfs (write: EROFS); union writes land in the upper layer only");
  EXPECT_EQ(CheckUpperTmpfs(e).summary, "the read-write layer /run/overlayfs is on a tmpfs");
  auto layers = FindUnionLayers(e["mounts"]);
  EXPECT_EQ(layers.lower_dirs, std::vector<std::string>{"/run/rootfsbase"});
  EXPECT_EQ(layers.upper_dir, "/run/overlayfs");
  EXPECT_TRUE(layers.from_root_overlay);

  // live-boot (/proc/mounts through a console shell: one merged option
  // field; lowerdir with a trailing slash), its upper layer on a disk.
  e["mounts"] = {Mount("/run/live/rootfs/filesystem.squashfs", "squashfs", "ro,noatime", "/dev/loop0"),
                 Mount("/run/live/overlay", "ext4", "rw,noatime", "/dev/sda2"),
                 Mount("/", "overlay",
                       "rw,noatime,lowerdir=/run/live/rootfs/filesystem.squashfs/,upperdir=/run/live/overlay/rw,"
                       "workdir=/run/live/overlay/work")};
  EXPECT_EQ(CheckLowerReadonly(e).status, Status::kPass) << CheckLowerReadonly(e).summary;
  EXPECT_EQ(CheckUpperTmpfs(e).summary,
            "the upper layer /run/live/overlay/rw is ext4 on /run/live/overlay from /dev/sda2, not tmpfs");
  EXPECT_EQ(InLayer("/run/live/rootfs/filesystem.squashfs/", "p"), "/run/live/rootfs/filesystem.squashfs/p");

  // A second lower layer that is writable fails, though the top one is fine.
  e["mounts"][2] = Mount("/", "overlay", "rw,lowerdir=/run/live/rootfs/filesystem.squashfs:/run/extra,upperdir=/u");
  e["mounts"].push_back(Mount("/run/extra", "ext4", "rw", "/dev/sdb1"));
  EXPECT_EQ(CheckLowerReadonly(e).summary, "the lower layer /run/extra is ext4 on /run/extra, not squashfs");

  // No upper layer: nothing takes the writes.
  e["mounts"][2] = Mount("/", "overlay", "ro,lowerdir=/run/live/rootfs/filesystem.squashfs");
  EXPECT_EQ(CheckUpperTmpfs(e).summary, "the root overlay has no upper layer: nothing takes writes");
}

// A FUSE union does not show its branches: livecheck's own layout is assumed.
TEST(LayerChecksTest, FuseUnionRootFallsBackToLivechecksLayout) {
  auto e = GoodLowerEvidence();
  e["mounts"][0] = Mount("/", "fuse.unionfs", "rw", "unionfs");
  EXPECT_EQ(CheckLowerReadonly(e).status, Status::kPass) << CheckLowerReadonly(e).summary;
  EXPECT_EQ(CheckUpperTmpfs(e).status, Status::kPass);
  EXPECT_FALSE(FindUnionLayers(e["mounts"]).from_root_overlay);
  e["mounts"].erase(1);
  EXPECT_EQ(CheckLowerReadonly(e).summary, "the lower layer /run/live/lower is fuse.unionfs on /, not squashfs");
}

// The agent reads mountinfo, where the overlay's layers are super options.
TEST(LayerChecksTest, UnionRootFromMountinfoSuperOptions) {
  auto root = Mount("/", "overlay", "rw,relatime", "overlay");
  root["super_options"] = "rw,lowerdir=/run/live/lower,upperdir=/run/live/upper/data,workdir=/run/live/upper/work";
  auto mounts = nlohmann::json::array({Mount("/run/live/lower", "squashfs", "ro,relatime", "/dev/loop0"),
                                       Mount("/run/live/upper", "tmpfs", "rw,relatime", "upper"), root});
  EXPECT_EQ(CheckUnionRoot(mounts).status, Status::kPass) << CheckUnionRoot(mounts).summary;
  mounts[2]["super_options"] = "rw";
  EXPECT_EQ(CheckUnionRoot(mounts).summary, "the root overlay names no lowerdir");
}

}  // namespace
}  // namespace livecheck
