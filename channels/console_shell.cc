#include "channels/console_shell.h"

#include <random>

#include <fmt/format.h>

namespace livecheck {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A command's whole output must fit; /proc/mounts and a few hundred file
// digests do with room to spare.
constexpr size_t kMaxTranscript = 1 << 20;

}  // namespace

ConsoleShell::ConsoleShell(asio::any_io_executor executor)
    : console_(std::make_shared<Console>(executor)), timer_(executor) {
  std::random_device rd;
  token_base_ = fmt::format("{:08x}{:08x}", rd(), rd());
}

ConsoleShell::~ConsoleShell() { console_->channel.Close(); }

asio::awaitable<void> ConsoleShell::ReadForever(std::shared_ptr<Console> console) {
  while (!console->closed) {
    std::string chunk;
    auto status = co_await console->channel.ReadChunk(Clock::now() + std::chrono::hours(24), chunk);
    if (status == LineChannel::ReadStatus::kClosed) console->closed = true;
    console->raw += chunk;
    console->received += chunk.size();
    if (console->raw.size() > kMaxTranscript) console->raw.erase(0, console->raw.size() - kMaxTranscript);
  }
}

asio::awaitable<void> ConsoleShell::Connect(const std::filesystem::path& socket, milliseconds timeout) {
  std::string error;
  if (!co_await console_->channel.Connect(socket, timeout, error)) throw ShellError("console: " + error);
  asio::co_spawn(co_await asio::this_coro::executor, ReadForever(console_), asio::detached);
}

asio::awaitable<bool> ConsoleShell::ReadMore(Clock::time_point deadline) {
  uint64_t seen = console_->received;
  while (console_->received == seen) {
    if (console_->closed) throw ShellError("console: QEMU closed the serial console");
    auto now = Clock::now();
    if (now >= deadline) co_return false;
    timer_.expires_after(std::min<Clock::duration>(milliseconds(50), deadline - now));
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return true;
}

asio::awaitable<void> ConsoleShell::WaitForPrompt(const std::string& prompt_regex, milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto next_enter = Clock::now();
  while (!EndsWithPrompt(CleanConsoleText(console_->raw.size() > 4096 ? console_->raw.substr(console_->raw.size() - 4096) : console_->raw), prompt_regex)) {
    if (Clock::now() >= deadline)
      throw ShellError(fmt::format("console: no shell prompt matching /{}/ within {} s", prompt_regex,
                                   timeout.count() / 1000.0));
    if (Clock::now() >= next_enter) {
      co_await console_->channel.WriteLine("");
      next_enter = Clock::now() + milliseconds(3000);
    }
    co_await ReadMore(std::min(deadline, next_enter));
  }
  ready_ = true;
  auto quiet = co_await Run("stty -echo 2>/dev/null; dmesg -n 1 2>/dev/null; export TERM=dumb", timeout);
  (void)quiet;  // a shell without stty or dmesg still works, only noisier
}

asio::awaitable<ShellOutput> ConsoleShell::Run(const std::string& command, milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::string token = fmt::format("{}-{}", token_base_, next_command_++);
  console_->raw.clear();
  if (!co_await console_->channel.WriteLine(MarkedCommandLine(command, token)))
    throw ShellError("console: cannot write to the serial console");
  while (true) {
    if (auto out = ExtractMarkedOutput(CleanConsoleText(console_->raw), token)) co_return *out;
    if (!co_await ReadMore(deadline))
      throw ShellError(fmt::format("console: `{}` did not finish within {} s", command.substr(0, 80),
                                   timeout.count() / 1000.0));
  }
}

}  // namespace livecheck
