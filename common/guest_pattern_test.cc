#include "common/guest_pattern.h"

#include <gtest/gtest.h>

namespace livecheck {
namespace {

TEST(GuestPatternTest, BoundsWhatItCompiles) {
  EXPECT_FALSE(IsAcceptablePattern("(a{1000}){1000}{1000}"));
  EXPECT_FALSE(IsAcceptablePattern(std::string(300, 'a')));
  EXPECT_TRUE(IsAcceptablePattern("^[0-9]{1,3}\\.[0-9]{1,3}$"));
  EXPECT_THROW(GuestPattern("["), std::regex_error);
  EXPECT_THROW(GuestPattern("(x{500}){500}"), std::regex_error);
  // Wrapped in a group to be found anywhere: a pattern that would close the
  // wrapper's group is still refused.
  EXPECT_THROW(GuestPattern("a)(b"), std::regex_error);
}

TEST(GuestPatternTest, MeansWhatTheSamePatternMeansToASearch) {
  EXPECT_TRUE(GuestPattern("^ID=debian$").Found("ID=debian"));
  EXPECT_FALSE(GuestPattern("^ID=debian$").Found("XID=debian"));
  EXPECT_FALSE(GuestPattern("^ID=debian$").Found("ID=debian2"));
  EXPECT_TRUE(GuestPattern("x|^y").Found("ay x"));
  EXPECT_FALSE(GuestPattern("b|^y").Found("ay"));
  EXPECT_TRUE(GuestPattern("").Found(""));
  EXPECT_TRUE(GuestPattern("[0-9]+\\.[0-9]+").Found("6.1.0-28-amd64"));
}

TEST(GuestPatternTest, FirstMatchingLineAndWhereItEnds) {
  auto re = GuestPattern("login: ?$");
  std::string text = "Debian GNU/Linux 12 debian ttyS0\r\n\r\ndebian login: ";
  auto m = FirstMatchingLine(text, re);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->line, "debian login: ");
  EXPECT_EQ(m->end, text.size());
  auto ok = FirstMatchingLine("a\r\n[  OK  ] Reached target Multi-User System\nb\n", GuestPattern("OK.*Multi-User$"
                                                                                                          "| System$"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->line, "[  OK  ] Reached target Multi-User System");
  EXPECT_EQ(ok->end, 45u);
  EXPECT_FALSE(FirstMatchingLine("", re));
}

TEST(GuestPatternTest, UntrustedLinesStayBounded) {
  // A hungry pattern on a 60 KB line: cut at 4 KiB, matched breadth-first.
  std::string huge(60000, 'a');
  EXPECT_FALSE(FirstMatchingLine(huge, GuestPattern("(a|aa)*c")));
  auto m = FirstMatchingLine(huge + "\nx\n", GuestPattern("^a+$"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->line.size(), kMaxMatchedLine);
  EXPECT_EQ(m->end, 60001u);
}

TEST(GuestPatternTest, SummaryLine) {
  EXPECT_EQ(LastLineForSummary("first\nlast\x1b[0m\r\n\n"), "last?[0m");
  EXPECT_EQ(LastLineForSummary(std::string(200, 'z')), std::string(160, 'z') + "...");
  EXPECT_EQ(LastLineForSummary(""), "");
}

}  // namespace
}  // namespace livecheck
