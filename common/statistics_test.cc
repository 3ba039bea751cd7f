#include "common/statistics.h"

#include <gtest/gtest.h>

namespace livecheck {
namespace {

TEST(StatisticsTest, MedianOfOddEvenAndEmpty) {
  EXPECT_DOUBLE_EQ(Median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(Median({4, 1, 2, 3}), 2.5);
  EXPECT_DOUBLE_EQ(Median({7}), 7);
  EXPECT_DOUBLE_EQ(Median({}), 0);
}

}  // namespace
}  // namespace livecheck
