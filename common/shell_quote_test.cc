#include "common/shell_quote.h"

#include <gtest/gtest.h>

#include "common/process.h"

namespace livecheck {
namespace {

TEST(ShellQuoteTest, QuotesEveryWord) {
  EXPECT_EQ(ShellQuote("/run/live/lower"), "'/run/live/lower'");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
}

// A real shell gets back exactly the bytes, whatever a hostile guest put in
// its mount table.
TEST(ShellQuoteTest, ARealShellSeesOneLiteralWord) {
  for (std::string word : {"a b", "$(reboot)", "`id`", "x'; rm -rf /; '", "tab\there", "new\nline", "\\n*?[a]"}) {
    auto r = RunProcess({.argv = {"sh", "-c", "printf %s " + ShellQuote(word)}});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, word);
  }
}

}  // namespace
}  // namespace livecheck
