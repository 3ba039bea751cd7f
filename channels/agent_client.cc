#include "channels/agent_client.h"
#include "common/untrusted_json.h"

#include <fmt/format.h>

#include "common/json_fields.h"

namespace livecheck {

using Clock = std::chrono::steady_clock;

// A hash list of a large root file system is the biggest answer.
constexpr size_t kMaxAgentLine = 64 << 20;

namespace {
std::string PingRequest(int id) { return nlohmann::json{{"id", id}, {"cmd", "ping"}}.dump(); }
}  // namespace

AgentClient::AgentClient(asio::any_io_executor executor) : channel_(executor, kMaxAgentLine) {}

asio::awaitable<void> AgentClient::Connect(const fs::path& socket, std::chrono::milliseconds timeout) {
  std::string error;
  if (!co_await channel_.Connect(socket, timeout, error)) throw AgentError("agent channel: " + error);
  co_return;  // explicit: cppcheck does not know coroutines
}

asio::awaitable<double> AgentClient::WaitReady(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    std::string ping = PingRequest(next_id_++);  // built outside co_await (GCC 12 coroutine bug)
    if (!co_await channel_.WriteLine(ping))
      throw AgentError("agent channel closed");
    auto poll_until = std::min(deadline, Clock::now() + std::chrono::seconds(1));
    while (true) {
      std::string line;
      auto status = co_await channel_.ReadLine(poll_until, line);
      if (status == LineChannel::ReadStatus::kTimeout) break;
      if (status == LineChannel::ReadStatus::kClosed) throw AgentError("agent channel closed before the agent answered");
      if (status == LineChannel::ReadStatus::kOverlong) {
        ++garbage_lines_;
        continue;
      }
      auto message = ParseUntrustedJson(line);
      if (message.is_discarded() || !message.is_object()) {
        ++garbage_lines_;  // boot noise before the agent set the port raw
        continue;
      }
      if (StringField(message, "event") == "ready") co_return NumberField(message, "uptime", 0.0);
      if (BoolField(message, "ok", false) && FieldPtr(message, "result"))
        co_return NumberField(ObjectField(message, "result"), "uptime", 0.0);
    }
  }
  throw AgentError("the guest agent did not answer in time");
}

asio::awaitable<nlohmann::json> AgentClient::Request(nlohmann::json request, std::chrono::milliseconds timeout) {
  int id = next_id_++;
  request["id"] = id;
  std::string cmd = StringField(request, "cmd", "?");
  if (!co_await channel_.WriteLine(request.dump())) throw AgentError(fmt::format("agent: cannot send {}", cmd));
  auto deadline = Clock::now() + timeout;
  while (true) {
    std::string line;
    auto status = co_await channel_.ReadLine(deadline, line);
    if (status == LineChannel::ReadStatus::kTimeout)
      throw AgentError(fmt::format("agent: no answer to {} within {} s", cmd, timeout.count() / 1000.0));
    if (status == LineChannel::ReadStatus::kClosed) throw AgentError(fmt::format("agent: channel closed during {}", cmd));
    if (status == LineChannel::ReadStatus::kOverlong) {
      ++garbage_lines_;
      continue;
    }
    auto message = ParseUntrustedJson(line);
    if (message.is_discarded() || !message.is_object()) {
      ++garbage_lines_;
      continue;
    }
    if (IntField(message, "id", -1) != id) continue;  // a hello, a late answer or garbage
    if (!BoolField(message, "ok", false))
      throw AgentError(fmt::format("agent: {} failed: {}", cmd, StringField(message, "error", "?")));
    auto* result = FieldPtr(message, "result");
    co_return result ? *result : nlohmann::json();
  }
}

}  // namespace livecheck
