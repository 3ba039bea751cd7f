#include "evidence/check_replay.h"
#include "evidence/mount_trace.h"

#include "common/testing.h"
#include "evidence/checks.h"

namespace livecheck {
namespace {

using testing::Mount;

// A verdict edited after the run: the check's own function, given the
// evidence kept with it, decides the original verdict again.
Status Replayed(CheckResult stored, Status edited_to, const std::vector<PhaseTiming>& phases = {}) {
  stored.status = edited_to;
  auto replay = ReplayCheck(stored, phases, nullptr);
  EXPECT_TRUE(replay.replayed) << stored.name << ": " << replay.why_not;
  return replay.status;
}

TEST(CheckReplayTest, DiskChecksDecideAgainFromTheirEvidence) {
  DiskEvidence written{.drive = "stick", .image = "s.img", .hash_before = "x", .hash_after = "x",
                       .wr_operations = 2, .wr_bytes = 8192, .overlay_allocated_bytes = 65536,
                       .written_extents = {{1048576, 65536}}};
  auto fail = CheckNoDiskWrites({written});
  ASSERT_EQ(fail.status, Status::kFail);
  EXPECT_EQ(Replayed(fail, Status::kPass), Status::kFail);
  EXPECT_EQ(fail.evidence[0]["write_map"], nlohmann::json::parse("[[1048576, 65536]]"));
  // The form with the changed files named ({disks, file_changes}).
  auto named = fail;
  named.evidence = {{"disks", fail.evidence}, {"file_changes", {{"stick", "..."}}}};
  EXPECT_EQ(Replayed(named, Status::kPass), Status::kFail);

  DiskEvidence internal{.drive = "internal", .hash_before = "h", .hash_after = "h"};
  auto mounted = CheckInternalDiskUntouched(internal, "sda", nlohmann::json::array({Mount("/mnt", "ext4", "rw", "/dev/sda")}),
                                            nlohmann::json::array(), nlohmann::json::array());
  ASSERT_EQ(mounted.status, Status::kFail);
  EXPECT_EQ(Replayed(mounted, Status::kPass), Status::kFail);
  auto clean = CheckInternalDiskUntouched(internal, "sda", nlohmann::json::array({Mount("/", "overlay", "rw")}),
                                          nlohmann::json::array(), nlohmann::json::array());
  EXPECT_EQ(Replayed(clean, Status::kPass), Status::kPass);
}

// Several internal disks: the combined verdict is decided again from each
// disk's evidence; a mount seen only in the trace is a FAIL on replay too.
TEST(CheckReplayTest, SeveralInternalDisksAndTheMountTrace) {
  DiskEvidence first{.drive = "internal", .hash_before = "h", .hash_after = "h"};
  DiskEvidence second{.drive = "internal2", .hash_before = "h", .hash_after = "h"};
  auto none = nlohmann::json::array();
  nlohmann::json trace = {ToJson(MountEvent{3.5, "sdc1", "ext4", "mounted", "EXT4-fs (sdc1): mounted filesystem"})};
  auto a = CheckInternalDiskUntouched(first, "sdb", none, none, trace);
  auto b = CheckInternalDiskUntouched(second, "sdc", none, none, trace);
  auto combined = CombineInternalDiskVerdicts({"internal", "internal2"}, {a, b});
  ASSERT_EQ(combined.status, Status::kFail);
  EXPECT_EQ(combined.summary.rfind("internal2: /dev/sdc1 was mounted (ext4) at 3.50 s", 0), 0u) << combined.summary;
  EXPECT_EQ(Replayed(combined, Status::kPass), Status::kFail);
  auto clean = CombineInternalDiskVerdicts({"internal", "internal2"},
                                           {CheckInternalDiskUntouched(first, "sdb", none, none, none),
                                            CheckInternalDiskUntouched(second, "sdc", none, none, none)});
  EXPECT_EQ(clean.summary, "2 internal disks (sdb, sdc) never mounted, never swap, never written");
  EXPECT_EQ(Replayed(clean, Status::kPass), Status::kPass);
}

TEST(CheckReplayTest, DiskEvidenceRoundTripsWithItsWriteMap) {
  DiskEvidence d{.drive = "internal", .image = "i.img", .hash_before = "a", .hash_after = "b", .wr_operations = 1,
                 .wr_bytes = 512, .overlay_allocated_bytes = 65536, .written_extents = {{0, 512}, {4096, 65536}},
                 .written_extents_truncated = true};
  auto back = DiskEvidenceFromJson(ToJson(d));
  EXPECT_EQ(back.written_extents, d.written_extents);
  EXPECT_TRUE(back.written_extents_truncated);
  EXPECT_EQ(back.hash_after, "b");
  EXPECT_EQ(DiskEvidenceFromJson(nlohmann::json("garbage")).wr_bytes, 0);
}

TEST(CheckReplayTest, BootTimingDecidesOnTheRunsPhases) {
  std::vector<PhaseTiming> slow = {{"init", 1.0, 5.0}, {"root-ready", 30.0, 40.0}};
  auto fail = CheckBootTiming(slow, {"init", "root-ready"}, {.seconds = 10, .basis = "10 s as written"});
  ASSERT_EQ(fail.status, Status::kFail);
  EXPECT_EQ(Replayed(fail, Status::kPass, slow), Status::kFail);
  // Phases edited to look fast no longer match the evidence's own phases,
  // but the verdict follows from the phases verify is given.
  std::vector<PhaseTiming> fast = {{"init", 1.0, 5.0}, {"root-ready", 3.0, 8.0}};
  EXPECT_EQ(Replayed(fail, Status::kFail, fast), Status::kPass);
}

TEST(CheckReplayTest, LayerChecksAndUnionRoot) {
  auto union_root = CheckUnionRoot({Mount("/", "overlay", "rw,lowerdir=/run/live/rootfs,upperdir=/run/live/upper/u"),
                                    Mount("/run/live/rootfs", "squashfs", "ro"),
                                    Mount("/run/live/upper", "ext4", "rw", "/dev/sda1")});
  EXPECT_EQ(Replayed(union_root, Status::kPass), union_root.status);
  auto upper = CheckUpperTmpfs({{"mounts", nlohmann::json::array({Mount("/run/live/upper", "ext4", "rw", "/dev/loop0")})}});
  ASSERT_EQ(upper.status, Status::kFail);
  EXPECT_EQ(Replayed(upper, Status::kPass), Status::kFail);
}

TEST(CheckReplayTest, WhatCannotBeReplayedSaysWhy) {
  CheckResult skipped{"lower-readonly", Status::kSkip, "no agent", {}};
  auto r = ReplayCheck(skipped, {}, nullptr);
  EXPECT_FALSE(r.replayed);
  EXPECT_EQ(r.why_not, "no evidence kept with it");
  CheckResult ram_copy{"ram-copy", Status::kPass, "ok", {{"toram", true}, {"unplugged", true}}};
  r = ReplayCheck(ram_copy, {}, nullptr);
  EXPECT_FALSE(r.replayed);
  EXPECT_NE(r.why_not.find("file list"), std::string::npos);
  std::vector<RootfsEntry> rootfs;
  EXPECT_TRUE(ReplayCheck(ram_copy, {}, &rootfs).replayed);
}

}  // namespace
}  // namespace livecheck
