#include "common/sha256.h"

#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, FieldsAreLengthPrefixed) {
  Sha256 a, b;
  a.UpdateField("ab");
  a.UpdateField("c");
  b.UpdateField("a");
  b.UpdateField("bc");
  EXPECT_NE(a.HexDigest(), b.HexDigest());
}

TEST(Sha256Test, FileMatchesSha256sum) {
  auto dir = testing::MakeTestDir();
  auto file = dir.path() / "data";
  WriteFileAtomic(file, std::string(3 << 20, 'x'));
  auto tool = RunProcess({.argv = {"sha256sum", file.string()}});
  EXPECT_EQ(Sha256File(file), tool.out.substr(0, 64));
}

}  // namespace
}  // namespace livecheck
