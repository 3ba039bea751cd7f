#include "common/byte_reader.h"

#include <gtest/gtest.h>

#include "common/file_util.h"
#include "common/testing.h"

namespace livecheck {
namespace {

TEST(ByteReaderTest, FileAndMemoryReadTheSameBytesAndStopAtTheEnd) {
  auto dir = testing::MakeTestDir();
  std::string bytes = "\x55\xaa\x01\x02\x03\x04";
  WriteFileAtomic(dir.path() / "disk.img", bytes);
  for (const auto& read : {FileByteReader((dir.path() / "disk.img").string()), MemoryByteReader(bytes)}) {
    EXPECT_EQ(read(2, 2), "\x01\x02");
    EXPECT_EQ(read(4, 100), "\x03\x04");
    EXPECT_EQ(read(100, 4), "");
  }
  EXPECT_TRUE(CanOpenForReading((dir.path() / "disk.img").string()));
  EXPECT_FALSE(CanOpenForReading((dir.path() / "missing.img").string()));
  EXPECT_EQ(FileByteReader((dir.path() / "missing.img").string())(0, 4), "");
}

TEST(ByteReaderTest, LittleEndianReadsZeroPastTheEnd) {
  std::string b = "\x78\x56\x34\x12";
  EXPECT_EQ(LittleEndian(b, 0, 4), 0x12345678u);
  EXPECT_EQ(LittleEndian(b, 2, 2), 0x1234u);
  EXPECT_EQ(LittleEndian(b, 2, 4), 0x1234u);
  EXPECT_EQ(LittleEndian(b, 9, 8), 0u);
}

}  // namespace
}  // namespace livecheck
