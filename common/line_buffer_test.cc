#include "common/line_buffer.h"

#include "common/testing.h"

namespace livecheck {
namespace {

TEST(LineBufferTest, SplitsAcrossChunks) {
  LineBuffer buffer(100);
  std::string line;
  buffer.Append("{\"id\":1}\n{\"id\"");
  EXPECT_EQ(buffer.Next(line), LineBuffer::Status::kLine);
  EXPECT_EQ(line, "{\"id\":1}");
  EXPECT_EQ(buffer.Next(line), LineBuffer::Status::kNeedMore);
  buffer.Append(":2}\r\n");
  EXPECT_EQ(buffer.Next(line), LineBuffer::Status::kLine);
  EXPECT_EQ(line, "{\"id\":2}");
}

TEST(LineBufferTest, OverlongLineIsDroppedAndReportedWithBoundedMemory) {
  LineBuffer buffer(16);
  std::string line;
  buffer.Append("ok\n");
  buffer.Append(std::string(10000, 'x'));
  EXPECT_LE(buffer.buffered(), 17u);
  buffer.Append(std::string(10000, 'y').append("\nnext\n"));
  EXPECT_EQ(buffer.Next(line), LineBuffer::Status::kLine);
  EXPECT_EQ(line, "ok");
  EXPECT_EQ(buffer.Next(line), LineBuffer::Status::kLine);
  EXPECT_EQ(line, "next");
  EXPECT_EQ(buffer.Next(line), LineBuffer::Status::kOverlong);
  EXPECT_EQ(buffer.Next(line), LineBuffer::Status::kNeedMore);
}

}  // namespace
}  // namespace livecheck
