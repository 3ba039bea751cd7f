#include "guest_agent/stacked_watch.h"

#include <gtest/gtest.h>

#include "common/file_util.h"
#include "common/testing.h"

namespace livecheck::agent {
namespace {

void AddDm(const fs::path& block, const std::string& name, const std::string& slave, const std::string& dm_name) {
  fs::create_directories(block / name / "slaves" / slave);
  fs::create_directories(block / name / "dm");
  WriteFileAtomic(block / name / "dm/name", dm_name + "\n");
  WriteFileAtomic(block / name / "dm/uuid", "LVM-" + dm_name + "\n");
}

// Activated, then deactivated before anyone asked: still reported, once,
// with when it was first seen.
TEST(StackedWatchTest, RemembersADeviceThatIsGoneAgain) {
  auto dir = testing::MakeTestDir();
  auto block = dir.path() / "class/block";
  fs::create_directories(block / "sdb1");
  StackedWatch watch(block.string());
  watch.Scan(1.0);
  EXPECT_TRUE(watch.Seen().empty()) << "a partition is no stacked device";
  AddDm(block, "dm-0", "sdb1", "suspectvg-data");
  watch.Scan(5.5);
  watch.Scan(6.0);
  fs::remove_all(block / "dm-0");
  watch.Scan(9.0);
  ASSERT_EQ(watch.Seen().size(), 1u);
  EXPECT_EQ(watch.Seen()[0]["name"], "dm-0");
  EXPECT_EQ(watch.Seen()[0]["slaves"], nlohmann::json::array({"sdb1"}));
  EXPECT_EQ(watch.Seen()[0]["dm_name"], "suspectvg-data");
  EXPECT_EQ(watch.Seen()[0]["first_seen"], 5.5);
  AddDm(block, "dm-0", "sdc1", "other-data");  // the name again, on another disk
  watch.Scan(12.0);
  EXPECT_EQ(watch.Seen().size(), 2u);
}

}  // namespace
}  // namespace livecheck::agent
