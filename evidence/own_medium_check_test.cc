#include "evidence/own_medium_check.h"

#include <gtest/gtest.h>

namespace livecheck {
namespace {

nlohmann::json Drives(int64_t stick_read, int64_t decoy_read, int64_t decoy_written = 0) {
  return {{"stick", {{"rd_bytes", stick_read}, {"wr_bytes", 0}}},
          {"decoy", {{"rd_bytes", decoy_read}, {"wr_bytes", decoy_written}}},
          {"internal", {{"rd_bytes", 9}, {"wr_bytes", 0}}}};
}

TEST(OwnMediumCheckTest, TheDecoyOnlyProbed) {
  auto r = CheckOwnMedium(OwnMediumEvidence(true, "stick", Drives(48 << 20, 12 << 10), {}));
  EXPECT_EQ(r.status, Status::kPass);
  EXPECT_EQ(r.summary, "booted from its own medium (48.0 MiB read); the decoy with the same label was only probed (12 KiB read)");
}

TEST(OwnMediumCheckTest, TheRootReadFromTheDecoyFails) {
  auto r = CheckOwnMedium(OwnMediumEvidence(true, "stick", Drives(20 << 10, 31 << 20), {}));
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.summary.find("the system read its root from the decoy stick (31.0 MiB read from it, 20 KiB from its own"),
            std::string::npos)
      << r.summary;
  EXPECT_EQ(CheckOwnMedium(OwnMediumEvidence(true, "stick", Drives(48 << 20, 12 << 10, 4096), {})).summary,
            "the decoy stick was written (4096 B)");
}

// With the agent, the guest names the decoy's devices by their USB serial:
// one mounted fails whatever the counters say; else the PASS names them.
TEST(OwnMediumCheckTest, TheGuestsViewOfTheDecoy) {
  nlohmann::json decoy = {{{"name", "sda"}, {"mounted_at", nlohmann::json::array()}},
                          {{"name", "sda1"}, {"mounted_at", {"/run/initramfs/live"}}}};
  auto r = CheckOwnMedium(OwnMediumEvidence(true, "stick", Drives(48 << 20, 12 << 10), decoy));
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.summary, "the decoy stick is mounted in the guest (sda1 at /run/initramfs/live)");
  decoy[1]["mounted_at"] = nlohmann::json::array();
  EXPECT_EQ(CheckOwnMedium(OwnMediumEvidence(true, "stick", Drives(48 << 20, 12 << 10), decoy)).summary,
            "booted from its own medium (48.0 MiB read); the decoy with the same label (sda in the guest) was only "
            "probed (12 KiB read)");
}

TEST(OwnMediumCheckTest, ACdMediumIsComparedWithTheDecoy) {
  nlohmann::json drives = {{"cd", {{"rd_bytes", 3 << 20}}}, {"decoy", {{"rd_bytes", 1 << 10}}}};
  EXPECT_EQ(CheckOwnMedium(OwnMediumEvidence(true, "cd", drives, {})).status, Status::kPass);
  EXPECT_EQ(CheckOwnMedium(OwnMediumEvidence(true, "stick", drives, {})).status, Status::kError);
}

TEST(OwnMediumCheckTest, NoDecoyIsASkipAndGarbageNoThrow) {
  EXPECT_EQ(CheckOwnMedium(OwnMediumEvidence(false, "stick", Drives(1, 0), {})).status, Status::kSkip);
  EXPECT_EQ(CheckOwnMedium("garbage").status, Status::kSkip);
  EXPECT_EQ(CheckOwnMedium({{"decoy_attached", true}, {"medium", 3}, {"decoy", {{"rd_bytes", "x"}}}}).status,
            Status::kError);
}

}  // namespace
}  // namespace livecheck
