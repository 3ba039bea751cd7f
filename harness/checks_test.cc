#include "harness/checks.h"

#include "common/testing.h"

namespace livecheck {
namespace {

nlohmann::json Mount(const std::string& point, const std::string& type, const std::string& options,
                     const std::string& source = "none") {
  return {{"mount_point", point}, {"fs_type", type}, {"options", options}, {"source", source}};
}

nlohmann::json GoodLowerEvidence() {
  return {{"mounts", {Mount("/", "overlay", "rw"), Mount("/run/live/lower", "squashfs", "ro,relatime", "/dev/loop0"),
                      Mount("/run/live/upper", "tmpfs", "rw")}},
          {"lower_probe", {{"written", false}, {"errno", "EROFS"}}},
          {"union_probe", {{"written", true}, {"errno", ""}}},
          {"upper_stat", {{"exists", true}}},
          {"lower_stat", {{"exists", false}}}};
}

TEST(ChecksTest, LowerReadonlyPassesOnReadOnlySquashfs) {
  auto r = CheckLowerReadonly(GoodLowerEvidence());
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
}

TEST(ChecksTest, LowerReadonlyFailsOnWritableOrWrongLower) {
  auto e = GoodLowerEvidence();
  e["mounts"][1] = Mount("/run/live/lower", "tmpfs", "rw");
  auto r = CheckLowerReadonly(e);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "the lower layer is tmpfs, not squashfs");

  e = GoodLowerEvidence();
  e["lower_probe"] = {{"written", true}, {"errno", ""}};
  EXPECT_EQ(CheckLowerReadonly(e).summary, "writing to the lower layer gave success (expected EROFS)");

  e = GoodLowerEvidence();
  e["lower_stat"] = {{"exists", true}};
  EXPECT_EQ(CheckLowerReadonly(e).status, Status::kFail);
}

TEST(ChecksTest, MalformedAgentAnswersFailInsteadOfThrowing) {
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

TEST(ChecksTest, UpperTmpfs) {
  EXPECT_EQ(CheckUpperTmpfs(GoodLowerEvidence()).status, Status::kPass);
  nlohmann::json e = {{"mounts", {Mount("/run/live/upper", "ext4", "rw", "/dev/loop1")}}};
  auto r = CheckUpperTmpfs(e);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "the upper layer is ext4 on /dev/loop1, not tmpfs");
}

TEST(ChecksTest, RamCopyVerifiesEveryManifestFile) {
  std::vector<RootfsEntry> manifest = {{"/bin/busybox", "file", 0755, 3, "aa", ""}, {"/etc", "dir", 0755, 0, "", ""},
                                       {"/etc/passwd", "file", 0644, 3, "bb", ""}};
  nlohmann::json e = {{"toram", true},
                      {"mounts_before", {Mount("/run/live/toram", "tmpfs", "rw")}},
                      {"unplugged", true},
                      {"files", {{{"path", "/bin/busybox"}, {"sha256", "aa"}}, {{"path", "/etc/passwd"}, {"sha256", "bb"}}}}};
  EXPECT_EQ(CheckRamCopy(e, manifest).status, Status::kPass);

  auto broken = e;
  broken["files"][1] = {{"path", "/etc/passwd"}, {"error", "EIO"}};
  auto r = CheckRamCopy(broken, manifest);
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary,
            "the system depended on the stick: 1 of 2 files failed verification after the unplug (first: /etc/passwd EIO)");

  auto mounted = e;
  mounted["mounts_before"].push_back(Mount("/run/live/medium", "vfat", "ro", "/dev/sda1"));
  EXPECT_EQ(CheckRamCopy(mounted, manifest).summary, "the medium is still mounted at /run/live/medium (vfat)");

  auto died = e;
  died["verify_error"] = "the guest stopped answering (timeout)";
  EXPECT_EQ(CheckRamCopy(died, manifest).status, Status::kFail);

  auto control = e;
  control["toram"] = false;
  EXPECT_EQ(CheckRamCopy(control, manifest).status, Status::kFail);
}

TEST(ChecksTest, NoDiskWritesNamesTheDriveAndCount) {
  DiskEvidence clean{.drive = "stick", .image = "s.img", .hash_before = "x", .hash_after = "x"};
  EXPECT_EQ(CheckNoDiskWrites({clean}).status, Status::kPass);
  auto written = clean;
  written.wr_operations = 3;
  written.wr_bytes = 12288;
  auto r = CheckNoDiskWrites({clean, written});
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "stick: 3 write operations, 12288 bytes written");
  EXPECT_EQ(r.evidence[1]["wr_operations"], 3);
  auto changed = clean;
  changed.hash_after = "y";
  EXPECT_EQ(CheckNoDiskWrites({changed}).status, Status::kFail);
  auto allocated = clean;
  allocated.overlay_allocated_bytes = 65536;
  EXPECT_EQ(CheckNoDiskWrites({allocated}).summary, "stick: 65536 bytes allocated in its overlay");
}

TEST(ChecksTest, InternalDiskUntouched) {
  DiskEvidence disk{.drive = "internal", .hash_before = "h", .hash_after = "h"};
  nlohmann::json mounts = {Mount("/", "overlay", "rw")};
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "sda", mounts, nlohmann::json::array()).status, Status::kPass);
  mounts.push_back(Mount("/mnt", "ext4", "rw", "/dev/sda"));
  auto r = CheckInternalDiskUntouched(disk, "sda", mounts, nlohmann::json::array());
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "/dev/sda was mounted at /mnt");
  nlohmann::json swaps = nlohmann::json::array({{{"device", "/dev/sda2"}}});
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "sda", {Mount("/", "overlay", "rw")}, swaps).summary,
            "/dev/sda2 was used as swap");
  disk.wr_operations = 1;
  EXPECT_EQ(CheckInternalDiskUntouched(disk, "", nlohmann::json::array(), nlohmann::json::array()).status,
            Status::kFail);
}

TEST(ChecksTest, BootTimingOrderAndBudget) {
  std::vector<PhaseTiming> phases = {{"init", 1.0, 3.0}, {"switch-root", 2.0, 4.0}, {"root-ready", 2.5, 4.5}};
  EXPECT_EQ(CheckBootTiming(phases, {"init", "switch-root", "root-ready"}, {}).status, Status::kPass);
  EXPECT_EQ(CheckBootTiming(phases, {"init", "medium-found", "root-ready"}, {}).summary,
            "phase 'medium-found' never reported (or out of order)");
  auto r = CheckBootTiming(phases, {"init", "root-ready"}, {2.0, "2 s as written"});
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "root-ready at 2.50 s guest time, over the budget of 2.00 s (2 s as written)");
  EXPECT_EQ(r.evidence["measured_seconds"], 2.5);
  EXPECT_EQ(r.evidence["budget"]["seconds"], 2.0);
  // An image without markers: its ready pattern, in host time.
  std::vector<PhaseTiming> ready = {{"ready", -1, 41.0}};
  EXPECT_EQ(CheckBootTiming(ready, {"ready"}, {30, "30 s as written"}).summary,
            "ready at 41.00 s after QEMU started, over the budget of 30.00 s (30 s as written)");
  EXPECT_EQ(CheckBootTiming(ready, {"ready"}, {60, "60 s as written"}).status, Status::kPass);
  // A relative budget that could not be resolved decides nothing.
  EXPECT_EQ(CheckBootTiming(phases, {"root-ready"}, {0, "", "no reference"}).status, Status::kError);
}

TEST(ChecksTest, RelativeBudgetsFollowTheHostReference) {
  HostReference fast{.guest_seconds = 1.5, .host_seconds = 4.0};
  HostReference slow{.guest_seconds = 4.5, .host_seconds = 12.0};
  auto budget = ParseRelativeBudget("3x");
  ASSERT_TRUE(budget);
  EXPECT_DOUBLE_EQ(ResolveBootBudget(*budget, fast, false).seconds, 4.5);
  EXPECT_DOUBLE_EQ(ResolveBootBudget(*budget, slow, false).seconds, 13.5);
  EXPECT_DOUBLE_EQ(ResolveBootBudget(*budget, slow, true).seconds, 36.0);
  EXPECT_EQ(ResolveBootBudget(*budget, fast, false).basis,
            "3x the host reference of 1.50 s (kernel start to /init, guest time)");
  // The same boot, 2.5 times slower on the slow host: within "3x" on both.
  std::vector<PhaseTiming> on_fast = {{"root-ready", 4.0, 6.0}}, on_slow = {{"root-ready", 10.0, 15.0}};
  EXPECT_EQ(CheckBootTiming(on_fast, {"root-ready"}, ResolveBootBudget(*budget, fast, false)).status, Status::kPass);
  EXPECT_EQ(CheckBootTiming(on_slow, {"root-ready"}, ResolveBootBudget(*budget, slow, false)).status, Status::kPass);
  // An absolute budget written for the fast host is a false alarm on the slow one.
  BootBudget seconds{5, false};
  EXPECT_EQ(CheckBootTiming(on_slow, {"root-ready"}, ResolveBootBudget(seconds, slow, false)).status, Status::kFail);
  EXPECT_NE(ResolveBootBudget(*budget, HostReference{.error = "no kernel"}, false).error.find("no kernel"),
            std::string::npos);
  for (const char* bad : {"x", "3", "-2x", "0x", "3 x", "1e3x", "2000x", "nanx"})
    EXPECT_FALSE(ParseRelativeBudget(bad)) << bad;
  EXPECT_DOUBLE_EQ(ParseRelativeBudget("2.5x")->value, 2.5);
}

TEST(ChecksTest, TimeoutScaleFollowsTheReferenceWithinBounds) {
  EXPECT_EQ(TimeoutScaleFor(HostReference{}), 1);
  EXPECT_EQ(TimeoutScaleFor(HostReference{.guest_seconds = 0.3, .host_seconds = 1}), 1) << "never below as written";
  EXPECT_DOUBLE_EQ(TimeoutScaleFor(HostReference{.guest_seconds = kNominalReferenceGuestSeconds * 2.5, .host_seconds = 9}),
                   2.5);
  EXPECT_EQ(TimeoutScaleFor(HostReference{.guest_seconds = 1000, .host_seconds = 2000}), kMaxReferenceTimeoutScale);
}

TEST(ChecksTest, UnionRootOverReadOnlyLowerAndRamUpper) {
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

TEST(ChecksTest, RamCopyReadback) {
  nlohmann::json e = {{"unplugged", true}, {"digests_before", "a  /bin/x\n"}, {"status_before", 0},
                      {"digests_after", "a  /bin/x\n"}, {"status_after", 0}};
  EXPECT_EQ(CheckRamCopyReadback(e).status, Status::kPass);
  e["status_after"] = 1;
  EXPECT_EQ(CheckRamCopyReadback(e).status, Status::kFail);
  e["status_after"] = 0;
  e["verify_error"] = "the shell stopped answering";
  EXPECT_EQ(CheckRamCopyReadback(e).status, Status::kFail);
}

TEST(ChecksTest, CombinedStatus) {
  EXPECT_EQ(CombineStatus({}), Status::kPass);
  EXPECT_EQ(CombineStatus({{"a", Status::kPass, "", {}}, {"b", Status::kFail, "", {}}}), Status::kFail);
  EXPECT_EQ(CombineStatus({{"a", Status::kError, "", {}}, {"b", Status::kFail, "", {}}}), Status::kError);
}

}  // namespace
}  // namespace livecheck
