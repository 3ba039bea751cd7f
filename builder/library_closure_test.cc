#include "builder/library_closure.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(LibraryClosureTest, ParsesLddLines) {
  auto libs = ParseLddOutput(
      "\tlinux-vdso.so.1 (0x00007ffd)\n"
      "\tlibfuse.so.2 => /lib/x86_64-linux-gnu/libfuse.so.2 (0x00007f01)\n"
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f02)\n"
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f03)\n",
      "/usr/bin/unionfs");
  EXPECT_EQ(libs, (std::vector<fs::path>{"/lib/x86_64-linux-gnu/libfuse.so.2", "/lib/x86_64-linux-gnu/libc.so.6",
                                         "/lib64/ld-linux-x86-64.so.2"}));
}

TEST(LibraryClosureTest, MissingLibraryIsAnError) {
  EXPECT_ERROR_CONTAINS(ParseLddOutput("\tlibgone.so.1 => not found\n", "/usr/bin/x"),
                        "/usr/bin/x needs a library that is not installed: libgone.so.1 => not found");
}

TEST(LibraryClosureTest, RealDynamicAndStaticBinaries) {
  auto libs = LibraryClosure("/bin/ls");
  bool has_libc = false;
  for (const auto& l : libs) has_libc = has_libc || l.filename().string().starts_with("libc.so");
  EXPECT_TRUE(has_libc);
  if (fs::exists("/bin/busybox")) {
    EXPECT_TRUE(LibraryClosure("/bin/busybox").empty());
  }
}

}  // namespace
}  // namespace livecheck
