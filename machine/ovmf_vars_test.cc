#include "machine/ovmf_vars.h"

#include <gtest/gtest.h>

#include "common/file_util.h"

namespace livecheck {
namespace {

// A variable's name as the store holds it (UTF-16LE).
std::string Utf16(const std::string& ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

int Entries(const fs::path& dir) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(OvmfVarsTest, TheBootManagerIsRecognisedByItsFirstLine) {
  EXPECT_TRUE(OvmfReachedBootManager(
      "\x1b[2J\x1b[01;01HBdsDxe: loading Boot0001 \"EFI Internal Shell\" from Fv(7CB8BDC9-F8EB-4F34)\r\n"));
  EXPECT_TRUE(OvmfReachedBootManager("BdsDxe: failed to load Boot0002 \"UEFI QEMU USB HARDDRIVE\": Not Found\n"));
  EXPECT_FALSE(OvmfReachedBootManager(""));
  EXPECT_FALSE(OvmfReachedBootManager("BdsDx"));
  EXPECT_FALSE(OvmfReachedBootManager("SecCoreStartupWithStack(0xFFFCC000, 0x820000)\n"));
}

// The real firmware, booted once: the store it leaves holds the variables
// OVMF writes on its first boot (the template holds none), and the second
// call reads the cache instead of booting again.
TEST(OvmfVarsTest, FirstBootSeedsTheStoreOnceAndTheCacheServesTheNext) {
  TempDir cache(fs::temp_directory_path(), "livecheck-ovmf-vars-test-");
  auto first = PrepareOvmfVars("tcg", cache.path());
  ASSERT_TRUE(first.seeded) << first.source;
  EXPECT_NE(first.source.find("made in"), std::string::npos) << first.source;
  EXPECT_EQ(first.path.parent_path(), cache.path());
  EXPECT_EQ(fs::file_size(first.path), fs::file_size(kOvmfVarsTemplate));
  auto seeded = ReadFile(first.path);
  auto pristine = ReadFile(kOvmfVarsTemplate);
  for (const char* name : {"BootOrder", "Boot0000", "PlatformLang"}) {
    EXPECT_EQ(pristine.find(Utf16(name)), std::string::npos) << name;
    EXPECT_NE(seeded.find(Utf16(name)), std::string::npos) << name;
  }
  // Only the seed is left in the cache: the boot's scratch directory is gone.
  EXPECT_EQ(Entries(cache.path()), 1);

  auto second = PrepareOvmfVars("tcg", cache.path());
  ASSERT_TRUE(second.seeded);
  EXPECT_EQ(second.path, first.path);
  EXPECT_EQ(second.source.rfind("cached ", 0), 0u) << second.source;
  EXPECT_EQ(ReadFile(second.path), seeded);
}

// A firmware QEMU refuses: runs fall back to the template, and say why.
TEST(OvmfVarsTest, AFirmwareThatDoesNotBootLeavesTheTemplateWithTheReason) {
  TempDir cache(fs::temp_directory_path(), "livecheck-ovmf-vars-test-");
  auto code = cache.path() / "not-firmware.fd";
  WriteFileAtomic(code, "not a firmware image");
  auto vars = PrepareOvmfVars("tcg", cache.path() / "cache", code);
  EXPECT_FALSE(vars.seeded);
  EXPECT_EQ(vars.path, fs::path(kOvmfVarsTemplate));
  EXPECT_NE(vars.source.find("the firmware stopped before its boot manager"), std::string::npos) << vars.source;
  EXPECT_EQ(Entries(cache.path() / "cache"), 0);

  auto missing = PrepareOvmfVars("tcg", cache.path() / "cache", cache.path() / "absent.fd");
  EXPECT_FALSE(missing.seeded);
  EXPECT_NE(missing.source.find("absent.fd"), std::string::npos) << missing.source;
}

}  // namespace
}  // namespace livecheck
