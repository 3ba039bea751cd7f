#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace livecheck {

/// Splits a byte stream into lines with a hard bound on memory. Peers are
/// untrusted (guest output): a line longer than `max_line` is dropped and
/// reported once as overlong instead of growing the buffer.
class LineBuffer {
 public:
  explicit LineBuffer(size_t max_line) : max_line_(max_line) {}

  void Append(std::string_view bytes);

  enum class Status { kLine, kNeedMore, kOverlong };
  /// Takes the next complete line (without '\n') into `line`.
  Status Next(std::string& line);

  size_t buffered() const { return buffer_.size(); }

 private:
  size_t max_line_;
  std::string buffer_;
  bool discarding_ = false;  ///< inside an overlong line, waiting for its end
  bool overlong_pending_ = false;
};

}  // namespace livecheck
