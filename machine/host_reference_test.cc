#include "machine/host_reference.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(HostReferenceTest, TimeoutScaleFollowsTheReferenceWithinBounds) {
  EXPECT_EQ(TimeoutScaleFor(HostReference{}), 1);
  EXPECT_EQ(TimeoutScaleFor(HostReference{.guest_seconds = 0.3, .host_seconds = 1}), 1) << "never below as written";
  EXPECT_DOUBLE_EQ(TimeoutScaleFor(HostReference{.guest_seconds = kNominalReferenceGuestSeconds * 2.5, .host_seconds = 9}),
                   2.5);
  EXPECT_EQ(TimeoutScaleFor(HostReference{.guest_seconds = 1000, .host_seconds = 2000}), kMaxReferenceTimeoutScale);
}

TEST(HostReferenceTest, SharedCacheDirectoryOnlyWhenTold) {
  {
    testing::EnvVar shared("LIVECHECK_REFERENCE_DIR", nullptr);
    EXPECT_EQ(ReferenceCacheDir("/img/.cache"), fs::path("/img/.cache"));
  }
  testing::EnvVar shared("LIVECHECK_REFERENCE_DIR", "/ci/reference");
  EXPECT_EQ(ReferenceCacheDir("/img/.cache"), fs::path("/ci/reference"));
}

}  // namespace
}  // namespace livecheck
