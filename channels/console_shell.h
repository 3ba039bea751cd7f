#pragma once
#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include <boost/asio.hpp>

#include "channels/line_channel.h"
#include "channels/shell_transcript.h"

namespace livecheck {

namespace asio = boost::asio;

class ShellError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A root shell on the guest's serial console (ttyS0 as a QEMU Unix-socket
/// chardev), for images that carry no livecheck agent. Commands run between
/// unique markers (shell_transcript.h); every wait has a deadline; the
/// transcript kept is bounded.
class ConsoleShell {
 public:
  explicit ConsoleShell(asio::any_io_executor executor);
  ~ConsoleShell();
  ConsoleShell(const ConsoleShell&) = delete;
  ConsoleShell& operator=(const ConsoleShell&) = delete;

  /// Connects and keeps reading the console for as long as the shell lives:
  /// QEMU writes the UART a byte at a time and an unread Unix socket is full
  /// after a few hundred such writes, which would stall the guest's console.
  asio::awaitable<void> Connect(const std::filesystem::path& socket, std::chrono::milliseconds timeout);

  /// Waits until the console's last line matches `prompt_regex`, pressing
  /// Enter now and then (a getty or a shell that printed its prompt before
  /// we connected shows it again). Then quiets the console: no echo, kernel
  /// messages only if urgent (`dmesg -n 1`).
  asio::awaitable<void> WaitForPrompt(const std::string& prompt_regex, std::chrono::milliseconds timeout);

  /// Runs one command line; its output and exit status. ShellError on timeout
  /// or a closed console.
  asio::awaitable<ShellOutput> Run(const std::string& command, std::chrono::milliseconds timeout);

  bool ready() const { return ready_; }

 private:
  // What the reader coroutine shares with the shell; it outlives the shell
  // until that coroutine has seen its socket closed.
  struct Console {
    explicit Console(asio::any_io_executor executor) : channel(executor, 4096) {}
    LineChannel channel;
    std::string raw;        // bytes since the last command was sent, bounded
    uint64_t received = 0;  // bytes ever read
    bool closed = false;
  };
  static asio::awaitable<void> ReadForever(std::shared_ptr<Console> console);

  // Waits until more bytes arrived or `deadline`; false on timeout.
  asio::awaitable<bool> ReadMore(std::chrono::steady_clock::time_point deadline);

  std::shared_ptr<Console> console_;
  asio::steady_timer timer_;
  std::string token_base_;  // random per session: guest output cannot forge a marker
  int next_command_ = 0;
  bool ready_ = false;
};

}  // namespace livecheck
