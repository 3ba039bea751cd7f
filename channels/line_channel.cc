#include "channels/line_channel.h"

#include <boost/asio/experimental/awaitable_operators.hpp>

namespace livecheck {

using namespace boost::asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

LineChannel::LineChannel(asio::any_io_executor executor, size_t max_line)
    : socket_(executor), timer_(executor), buffer_(max_line) {}

asio::awaitable<bool> LineChannel::Connect(const fs::path& path, std::chrono::milliseconds timeout,
                                           std::string& error) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    socket_ = asio::local::stream_protocol::socket(co_await asio::this_coro::executor);
    auto [ec] = co_await socket_.async_connect(asio::local::stream_protocol::endpoint(path.string()),
                                               asio::as_tuple(asio::use_awaitable));
    if (!ec) co_return true;
    if (Clock::now() >= deadline) {
      error = "cannot connect to " + path.string() + ": " + ec.message();
      co_return false;
    }
    timer_.expires_after(std::chrono::milliseconds(50));
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<LineChannel::ReadStatus> LineChannel::ReadLine(Clock::time_point deadline, std::string& line) {
  while (true) {
    switch (buffer_.Next(line)) {
      case LineBuffer::Status::kLine: co_return ReadStatus::kLine;
      case LineBuffer::Status::kOverlong: co_return ReadStatus::kOverlong;
      case LineBuffer::Status::kNeedMore: break;
    }
    // Once closed, what is still buffered was handed out above.
    if (closed_) co_return ReadStatus::kClosed;
    std::string chunk;
    auto status = co_await ReadChunk(deadline, chunk);
    if (status == ReadStatus::kTimeout) co_return status;
    buffer_.Append(chunk);
  }
}

asio::awaitable<LineChannel::ReadStatus> LineChannel::ReadChunk(Clock::time_point deadline, std::string& chunk) {
  chunk.clear();
  if (closed_) co_return ReadStatus::kClosed;
  if (Clock::now() >= deadline) co_return ReadStatus::kTimeout;
  char data[4096];
  timer_.expires_at(deadline);
  auto result = co_await (socket_.async_read_some(asio::buffer(data), asio::as_tuple(asio::use_awaitable)) ||
                          timer_.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (result.index() == 1) co_return ReadStatus::kTimeout;
  auto [ec, n] = std::get<0>(result);
  if (ec) {
    closed_ = true;
    co_return ReadStatus::kClosed;
  }
  chunk.assign(data, n);
  co_return ReadStatus::kLine;
}

asio::awaitable<bool> LineChannel::WriteLine(const std::string& line) {
  std::string data = line + "\n";
  auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(data), asio::as_tuple(asio::use_awaitable));
  (void)n;
  co_return !ec;
}

void LineChannel::Close() {
  boost::system::error_code ec;
  socket_.close(ec);
  closed_ = true;
}

}  // namespace livecheck
