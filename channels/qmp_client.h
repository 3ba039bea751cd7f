#pragma once
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "channels/line_channel.h"

namespace livecheck {

/// A QMP failure: an error reply, a timeout, a closed or garbled channel.
class QmpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// QMP over a Unix socket. One scenario owns one client and asks one thing
/// at a time, so replies are read inline: events that arrive meanwhile are
/// queued for WaitEvent and logged, never dropped.
class QmpClient {
 public:
  explicit QmpClient(asio::any_io_executor executor);

  /// Connects, reads the greeting and negotiates capabilities.
  asio::awaitable<void> Connect(const fs::path& socket, std::chrono::milliseconds timeout);

  /// Runs `command`; returns its "return" value. Throws QmpError.
  asio::awaitable<nlohmann::json> Execute(const std::string& command, const nlohmann::json& arguments,
                                          std::chrono::milliseconds timeout);

  /// Waits for an event named `name` whose object satisfies `match`: first
  /// among events queued while waiting for replies, then as they arrive.
  asio::awaitable<nlohmann::json> WaitEvent(const std::string& name,
                                            const std::function<bool(const nlohmann::json&)>& match,
                                            std::chrono::milliseconds timeout);

  /// Every event seen so far, in order (for the run log).
  const std::vector<nlohmann::json>& event_log() const { return event_log_; }
  void Close() { channel_.Close(); }

 private:
  asio::awaitable<nlohmann::json> ReadMessage(std::chrono::steady_clock::time_point deadline,
                                              const std::string& waiting_for);

  LineChannel channel_;
  int next_id_ = 1;
  std::deque<nlohmann::json> pending_events_;
  std::vector<nlohmann::json> event_log_;
};

}  // namespace livecheck
