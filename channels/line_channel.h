#pragma once
#include <chrono>
#include <filesystem>
#include <string>

#include <boost/asio.hpp>

#include "common/line_buffer.h"

namespace livecheck {

namespace asio = boost::asio;
namespace fs = std::filesystem;

/// A line-oriented Unix-socket connection to a QEMU chardev (QMP or the
/// agent's serial port). Every read has a deadline; expected outcomes (EOF,
/// timeout, an overlong line from an untrusted peer) come back as values.
class LineChannel {
 public:
  LineChannel(asio::any_io_executor executor, size_t max_line);

  /// Connects to `path`, retrying while QEMU has not created it yet.
  /// Returns false on timeout (with `error` set).
  asio::awaitable<bool> Connect(const fs::path& path, std::chrono::milliseconds timeout, std::string& error);

  enum class ReadStatus { kLine, kTimeout, kClosed, kOverlong };
  /// Reads the next line (without '\n') before `deadline`.
  asio::awaitable<ReadStatus> ReadLine(std::chrono::steady_clock::time_point deadline, std::string& line);

  /// Reads whatever bytes arrive next, at most 4 KiB, before `deadline`
  /// (kLine when `chunk` holds data). For byte streams without line ends,
  /// such as a shell prompt; not to be mixed with ReadLine on one channel.
  asio::awaitable<ReadStatus> ReadChunk(std::chrono::steady_clock::time_point deadline, std::string& chunk);

  /// Writes `line` plus '\n'. Returns false when the peer is gone.
  asio::awaitable<bool> WriteLine(const std::string& line);

  void Close();

 private:
  asio::local::stream_protocol::socket socket_;
  asio::steady_timer timer_;
  LineBuffer buffer_;
  bool closed_ = false;
};

}  // namespace livecheck
