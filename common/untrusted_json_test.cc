#include "common/untrusted_json.h"

#include <string>

#include <gtest/gtest.h>

namespace livecheck {
namespace {

TEST(UntrustedJson, ParsesOrdinaryMessages) {
  auto j = ParseUntrustedJson(R"({"return": {"a": [1, {"b": "[[[["}]}, "id": 3})");
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["id"], 3);
  EXPECT_EQ(j["return"]["a"][1]["b"], "[[[[");
}

TEST(UntrustedJson, CountsDepthOutsideStringsOnly) {
  EXPECT_EQ(JsonNestingDepth(R"({"a": [[1]]})", 100), 3u);
  EXPECT_EQ(JsonNestingDepth(R"(["\"[[[[", "]"])", 100), 1u);
  EXPECT_EQ(JsonNestingDepth("]]]]{", 100), 1u);
}

// The fuzzer's finding: 30,000 nested arrays overflowed the stack in
// nlohmann::json's recursive parse and destroy.
TEST(UntrustedJson, RefusesDeepNestingInsteadOfOverflowingTheStack) {
  std::string deep = std::string(30000, '[') + std::string(30000, ']');
  EXPECT_TRUE(ParseUntrustedJson(deep).is_discarded());
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(10000, '}');
  EXPECT_TRUE(ParseUntrustedJson(objects).is_discarded());
}

TEST(UntrustedJson, AcceptsNestingUpToTheLimit) {
  std::string at_limit = std::string(kMaxUntrustedJsonDepth, '[') + std::string(kMaxUntrustedJsonDepth, ']');
  EXPECT_FALSE(ParseUntrustedJson(at_limit).is_discarded());
  std::string over = "[" + at_limit + "]";
  EXPECT_TRUE(ParseUntrustedJson(over).is_discarded());
}

TEST(UntrustedJson, MalformedTextIsDiscardedNotThrown) {
  EXPECT_TRUE(ParseUntrustedJson("{\"a\":").is_discarded());
  EXPECT_TRUE(ParseUntrustedJson("\xff\xfe").is_discarded());
}

}  // namespace
}  // namespace livecheck
