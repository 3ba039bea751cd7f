#include "evidence/check_result.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(CheckResultTest, CombinedStatus) {
  EXPECT_EQ(CombineStatus({}), Status::kPass);
  EXPECT_EQ(CombineStatus({{"a", Status::kPass, "", {}}, {"b", Status::kFail, "", {}}}), Status::kFail);
  EXPECT_EQ(CombineStatus({{"a", Status::kError, "", {}}, {"b", Status::kFail, "", {}}}), Status::kError);
}

}  // namespace
}  // namespace livecheck
