#include "common/line_buffer.h"

namespace livecheck {

void LineBuffer::Append(std::string_view bytes) {
  for (char c : bytes) {
    if (discarding_) {
      if (c == '\n') discarding_ = false;
      continue;
    }
    buffer_ += c;
    if (c != '\n' && buffer_.size() > max_line_) {
      // Keep complete lines already buffered; drop only the overlong tail.
      auto last_newline = buffer_.rfind('\n');
      buffer_.erase(last_newline == std::string::npos ? 0 : last_newline + 1);
      discarding_ = true;
      overlong_pending_ = true;
    }
  }
}

LineBuffer::Status LineBuffer::Next(std::string& line) {
  auto newline = buffer_.find('\n');
  if (newline != std::string::npos) {
    line.assign(buffer_, 0, newline);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    buffer_.erase(0, newline + 1);
    return Status::kLine;
  }
  if (overlong_pending_) {
    overlong_pending_ = false;
    return Status::kOverlong;
  }
  return Status::kNeedMore;
}

}  // namespace livecheck
