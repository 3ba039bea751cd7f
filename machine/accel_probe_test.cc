#include "machine/accel_probe.h"

#include <cstdlib>

#include "common/testing.h"

namespace livecheck {
namespace {

using testing::EnvVar;

TEST(HostCacheDirTest, SharedPerHostUnlessTold) {
  {
    EnvVar a("LIVECHECK_CACHE_DIR", "/x/lc"), b("XDG_CACHE_HOME", "/x/xdg"), c("HOME", "/x/home");
    EXPECT_EQ(HostCacheDir("/img/.cache"), fs::path("/x/lc"));
  }
  {
    EnvVar a("LIVECHECK_CACHE_DIR", nullptr), b("XDG_CACHE_HOME", "/x/xdg"), c("HOME", "/x/home");
    EXPECT_EQ(HostCacheDir("/img/.cache"), fs::path("/x/xdg/livecheck/host"));
  }
  {
    EnvVar a("LIVECHECK_CACHE_DIR", nullptr), b("XDG_CACHE_HOME", ""), c("HOME", "/x/home");
    EXPECT_EQ(HostCacheDir("/img/.cache"), fs::path("/x/home/.cache/livecheck/host"));
  }
  {
    EnvVar a("LIVECHECK_CACHE_DIR", nullptr), b("XDG_CACHE_HOME", nullptr), c("HOME", nullptr);
    EXPECT_EQ(HostCacheDir("/img/.cache"), fs::path("/img/.cache"));
  }
}

}  // namespace
}  // namespace livecheck
