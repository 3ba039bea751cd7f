#include "builder/exclude_list.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(ExcludeListTest, DefaultStyleEntriesExcludeDirectoriesAndTheirContents) {
  ExcludeList list({"sys/", "proc/", "usr/src/", "/run"});
  EXPECT_TRUE(list.Excludes("sys"));
  EXPECT_TRUE(list.Excludes("sys/kernel/debug"));
  EXPECT_TRUE(list.Excludes("usr/src/linux/Makefile"));
  EXPECT_TRUE(list.Excludes("run/lock"));
  EXPECT_FALSE(list.Excludes("usr/srcfoo"));   // a prefix of a name is not a match
  EXPECT_FALSE(list.Excludes("usr"));
  EXPECT_FALSE(list.Excludes("var/sys"));      // anchored at the root
}

TEST(ExcludeListTest, CommentsAndBlankLinesAreSkipped) {
  ExcludeList list({"# a comment", "", "   ", "tmp/"});
  EXPECT_EQ(list.patterns(), std::vector<std::string>{"tmp"});
}

TEST(ExcludeListTest, WildcardsMatchPerComponent) {
  ExcludeList list({"usr/share/*/doc", "var/log/*.log"});
  EXPECT_TRUE(list.Excludes("usr/share/foo/doc"));
  EXPECT_TRUE(list.Excludes("usr/share/foo/doc/README"));
  EXPECT_FALSE(list.Excludes("usr/share/foo/bar/doc"));  // * does not cross '/'
  EXPECT_TRUE(list.Excludes("var/log/syslog.log"));
  EXPECT_FALSE(list.Excludes("var/log/syslog"));
}

TEST(ExcludeListTest, ReadsFromFile) {
  auto dir = testing::MakeTestDir();
  WriteFileAtomic(dir.path() / "exclude", "sys/\nproc/\n\n# keep etc\nusr/portage/\n");
  auto list = ExcludeList::FromFile(dir.path() / "exclude");
  EXPECT_EQ(list.patterns(), (std::vector<std::string>{"sys", "proc", "usr/portage"}));
  EXPECT_ERROR_CONTAINS(ExcludeList::FromFile(dir.path() / "missing"), "exclude file");
}

}  // namespace
}  // namespace livecheck
