#include "evidence/token_scan.h"

#include "common/file_util.h"
#include "common/process.h"
#include "common/testing.h"

namespace livecheck {
namespace {

TEST(TokenScanTest, FindsEveryCopyIncludingAcrossChunkBorders) {
  auto dir = testing::MakeTestDir();
  std::string token = RandomSecretToken("LCTEST");
  std::string data(20 << 20, 'x');
  // one at the start, one straddling the 8 MiB chunk border, one at the end
  std::vector<uint64_t> at = {0, (8u << 20) - 5, data.size() - token.size()};
  for (auto offset : at) data.replace(offset, token.size(), token);
  WriteFileAtomic(dir.path() / "disk.img", data);
  EXPECT_EQ(FindToken(dir.path() / "disk.img", token), at);
  EXPECT_EQ(FindToken(dir.path() / "disk.img", token, 2).size(), 2u);
  EXPECT_TRUE(FindToken(dir.path() / "disk.img", RandomSecretToken("LCTEST")).empty());
  EXPECT_ERROR_CONTAINS(FindToken(dir.path() / "missing", token), "missing");
}

// A real qcow2 overlay written by qemu-io: the hit in the overlay file maps
// back to the guest offset that was written.
TEST(TokenScanTest, MapsOverlayBytesToGuestOffsets) {
  auto dir = testing::MakeTestDir();
  auto base = dir.path() / "base.img";
  WriteFileAtomic(base, std::string(4 << 20, '\0'));
  auto overlay = dir.path() / "overlay.qcow2";
  RunChecked({.argv = {"qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", base.string(), overlay.string()}});
  // qemu-io writes a pattern byte, not text: plant 0x41 ('A') x 512 at 1 MiB + 512.
  RunChecked({.argv = {"qemu-io", "-f", "qcow2", "-c", "write -P 0x41 1049088 512", overlay.string()}});
  auto hits = FindToken(overlay, std::string(512, 'A'), 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(OverlayGuestOffset(overlay, hits[0]), 1049088u);
  EXPECT_FALSE(OverlayGuestOffset(overlay, 0));  // the qcow2 header is metadata
}

TEST(TokenScanTest, TokensAreFreshAndHexRoundTrips) {
  EXPECT_NE(RandomSecretToken("A"), RandomSecretToken("A"));
  EXPECT_EQ(HexEncode("LC-1"), "4c432d31");
}

}  // namespace
}  // namespace livecheck
