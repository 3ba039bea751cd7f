#include "machine/accel_probe.h"

#include <cstdlib>

#include "common/testing.h"

namespace livecheck {
namespace {

// Restores one environment variable when the test ends.
class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~EnvVar() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

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
