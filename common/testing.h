#pragma once
// Test utilities shared by every *_test.cc: temporary directories and
// assertions on livecheck's one-line errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_util.h"

namespace livecheck::testing {

/// A fresh directory under the build tree's temp area, removed at the end of the test.
inline TempDir MakeTestDir() {
  auto base = std::filesystem::temp_directory_path();
  return TempDir(base, "livecheck-test-");
}

/// Where a test builds the variants of one variants file ("fixtures" or
/// "builder"). With LIVECHECK_TEST_IMAGES set (ci/test.sh sets it), every
/// test process of the stage shares one directory per variants file: the
/// builder locks the directory and reuses what another test already built,
/// so each variant is built once per stage instead of once per test. Only
/// for tests that boot images through `livecheck run` (it boots copy-on-write
/// overlays); a test that attaches an image writable keeps `private_dir`.
inline std::filesystem::path ImagesDir(const std::filesystem::path& private_dir, const std::string& variants_file) {
  const char* shared = std::getenv("LIVECHECK_TEST_IMAGES");
  if (!shared || !*shared) return private_dir;
  return std::filesystem::path(shared) / variants_file;
}

/// Sets (or with nullptr unsets) one environment variable, restoring it when
/// the test ends.
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
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

/// One entry of a guest's mount table as the agent and the /proc parsers give it.
inline nlohmann::json Mount(const std::string& point, const std::string& type, const std::string& options,
                            const std::string& source = "none") {
  return {{"mount_point", point}, {"fs_type", type}, {"options", options}, {"source", source}};
}

}  // namespace livecheck::testing

/// Expects `statement` to throw livecheck::Error whose message contains `substring`.
#define EXPECT_ERROR_CONTAINS(statement, substring)                                  \
  do {                                                                               \
    try {                                                                            \
      statement;                                                                     \
      ADD_FAILURE() << "expected livecheck::Error containing: " << (substring);      \
    } catch (const livecheck::Error& e) {                                            \
      EXPECT_NE(std::string(e.what()).find(substring), std::string::npos)            \
          << "message was: " << e.what();                                            \
    }                                                                                \
  } while (0)
