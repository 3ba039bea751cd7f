#pragma once
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "channels/line_channel.h"

namespace livecheck {

class AgentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The host side of the guest agent protocol (one JSON object per line over
/// the guest's second serial port). The guest is untrusted: lines are
/// bounded, malformed ones are skipped and counted, every wait has a deadline.
class AgentClient {
 public:
  explicit AgentClient(asio::any_io_executor executor);

  asio::awaitable<void> Connect(const fs::path& socket, std::chrono::milliseconds timeout);

  /// Waits until the agent answers (its hello, or a ping sent every second:
  /// the hello is lost when it comes before we listen). Returns its uptime.
  asio::awaitable<double> WaitReady(std::chrono::milliseconds timeout);

  /// Sends {"cmd": ..., args} and returns "result". Throws AgentError.
  asio::awaitable<nlohmann::json> Request(nlohmann::json request, std::chrono::milliseconds timeout);

  int garbage_lines() const { return garbage_lines_; }
  void Close() { channel_.Close(); }

 private:
  LineChannel channel_;
  int next_id_ = 1;
  int garbage_lines_ = 0;
};

}  // namespace livecheck
