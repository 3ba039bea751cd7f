#include "builder/cpio_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <map>

#include "common/file_util.h"
#include "common/process.h"
#include "common/sha256.h"
#include "common/testing.h"

namespace livecheck {
namespace {

FileTree SampleTree() {
  FileTree tree;
  tree.AddText("init", "#!/bin/sh\necho hi\n", 0755);
  tree.AddText("etc/livecheck/live.conf", "LIVE_LABEL=X\n");
  tree.AddSymlink("bin/sh", "busybox");
  tree.AddCharDevice("dev/console", 5, 1);
  tree.AddDirectory("newroot");
  return tree;
}

struct ReadEntry {
  mode_t type;
  mode_t perm;
  int64_t uid, gid, mtime;
  std::string data, symlink;
};

// Reads an archive back with libarchive (format and filter auto-detected).
std::map<std::string, ReadEntry> ReadBack(const fs::path& file) {
  std::map<std::string, ReadEntry> out;
  archive* a = archive_read_new();
  archive_read_support_format_all(a);
  archive_read_support_filter_all(a);
  EXPECT_EQ(archive_read_open_filename(a, file.c_str(), 65536), ARCHIVE_OK);
  archive_entry* entry;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    ReadEntry e{archive_entry_filetype(entry), archive_entry_perm(entry), archive_entry_uid(entry),
                archive_entry_gid(entry), archive_entry_mtime(entry), "", ""};
    if (archive_entry_symlink(entry)) e.symlink = archive_entry_symlink(entry);
    char buf[4096];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) e.data.append(buf, static_cast<size_t>(n));
    out[archive_entry_pathname(entry)] = e;
  }
  EXPECT_STREQ(archive_format_name(a), "ASCII cpio (SVR4 with no CRC)");
  archive_read_free(a);
  return out;
}

TEST(CpioArchiveTest, ReadsBackWithLibarchive) {
  auto dir = testing::MakeTestDir();
  auto file = dir.path() / "initrd.img";
  WriteCpioArchive(SampleTree(), file, CpioCompression::kZstd, 1234);
  auto entries = ReadBack(file);
  ASSERT_EQ(entries.size(), 9u);  // five nodes plus implicit etc, etc/livecheck, bin, dev
  EXPECT_EQ(entries["init"].data, "#!/bin/sh\necho hi\n");
  EXPECT_EQ(entries["init"].perm, 0755u);
  EXPECT_EQ(entries["bin/sh"].symlink, "busybox");
  EXPECT_EQ(entries["dev/console"].type, static_cast<mode_t>(AE_IFCHR));
  for (const auto& [path, e] : entries) {
    EXPECT_EQ(e.uid, 0) << path;
    EXPECT_EQ(e.gid, 0) << path;
    EXPECT_EQ(e.mtime, 1234) << path;
  }
}

TEST(CpioArchiveTest, ListsWithCpioTool) {
  auto dir = testing::MakeTestDir();
  auto file = dir.path() / "initrd.cpio";
  WriteCpioArchive(SampleTree(), file, CpioCompression::kNone, 1234);
  auto listing = RunChecked({.argv = {"cpio", "-t", "--quiet", "-F", file.string()}});
  EXPECT_EQ(listing.out, "bin\nbin/sh\ndev\ndev/console\netc\netc/livecheck\netc/livecheck/live.conf\ninit\nnewroot\n");
  auto verbose = RunChecked({.argv = {"cpio", "-tv", "--quiet", "-F", file.string()}});
  EXPECT_NE(verbose.out.find("root     root"), std::string::npos) << verbose.out;
}

TEST(CpioArchiveTest, SameTreeGivesSameBytes) {
  auto dir = testing::MakeTestDir();
  for (auto compression : {CpioCompression::kGzip, CpioCompression::kZstd}) {
    WriteCpioArchive(SampleTree(), dir.path() / "a", compression, 99);
    WriteCpioArchive(SampleTree(), dir.path() / "b", compression, 99);
    EXPECT_EQ(Sha256File(dir.path() / "a"), Sha256File(dir.path() / "b"));
  }
}

TEST(CpioArchiveTest, UnwritableDestinationIsAnErrorAndLeavesNothing) {
  auto dir = testing::MakeTestDir();
  EXPECT_ERROR_CONTAINS(WriteCpioArchive(SampleTree(), dir.path() / "missing/initrd.img", CpioCompression::kNone, 1),
                        "cannot write");
  EXPECT_FALSE(fs::exists(dir.path() / "missing"));
}

}  // namespace
}  // namespace livecheck
