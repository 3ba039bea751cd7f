#include "channels/qmp_client.h"
#include "common/untrusted_json.h"

#include "common/json_fields.h"

#include <algorithm>

#include <fmt/format.h>

namespace livecheck {

using Clock = std::chrono::steady_clock;

// QMP replies are small; the largest (query-blockstats) is a few KiB per drive.
constexpr size_t kMaxQmpLine = 1 << 20;

QmpClient::QmpClient(asio::any_io_executor executor) : channel_(executor, kMaxQmpLine) {}

asio::awaitable<nlohmann::json> QmpClient::ReadMessage(Clock::time_point deadline, const std::string& waiting_for) {
  while (true) {
    std::string line;
    auto status = co_await channel_.ReadLine(deadline, line);
    switch (status) {
      case LineChannel::ReadStatus::kTimeout: throw QmpError(fmt::format("QMP: timed out waiting for {}", waiting_for));
      case LineChannel::ReadStatus::kClosed: throw QmpError(fmt::format("QMP: connection closed while waiting for {}", waiting_for));
      case LineChannel::ReadStatus::kOverlong: throw QmpError("QMP: overlong message from QEMU");
      case LineChannel::ReadStatus::kLine: break;
    }
    if (line.empty()) continue;
    auto message = ParseUntrustedJson(line);
    if (message.is_discarded() || !message.is_object())
      throw QmpError(fmt::format("QMP: malformed message: {}", line.substr(0, 200)));
    if (message.contains("event")) event_log_.push_back(message);
    co_return message;
  }
}

asio::awaitable<void> QmpClient::Connect(const fs::path& socket, std::chrono::milliseconds timeout) {
  std::string error;
  if (!co_await channel_.Connect(socket, timeout, error)) throw QmpError("QMP: " + error);
  auto deadline = Clock::now() + timeout;
  // QEMU can write an event (RESUME as the machine starts) before its
  // greeting: the socket accepts us before the monitor has announced itself.
  // Such an event is kept like any other.
  while (true) {
    auto greeting = co_await ReadMessage(deadline, "the greeting");
    if (greeting.contains("QMP")) break;
    if (!greeting.contains("event")) throw QmpError("QMP: unexpected greeting: " + greeting.dump().substr(0, 200));
    pending_events_.push_back(greeting);
  }
  co_await Execute("qmp_capabilities", nlohmann::json::object(),
                   std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

asio::awaitable<nlohmann::json> QmpClient::Execute(const std::string& command, const nlohmann::json& arguments,
                                                   std::chrono::milliseconds timeout) {
  int id = next_id_++;
  nlohmann::json request = {{"execute", command}, {"id", id}};
  if (!arguments.empty()) request["arguments"] = arguments;
  if (!co_await channel_.WriteLine(request.dump())) throw QmpError(fmt::format("QMP: cannot send {}", command));
  auto deadline = Clock::now() + timeout;
  while (true) {
    auto reply = co_await ReadMessage(deadline, "the reply to " + command);
    if (reply.contains("event")) {
      pending_events_.push_back(reply);  // for a later WaitEvent
      continue;
    }
    if (!reply.contains("id") || reply["id"] != id) continue;  // a stale reply to a request that timed out
    if (reply.contains("error"))
      throw QmpError(fmt::format("QMP: {} failed: {}", command,
                                 StringField(reply["error"], "desc", reply["error"].dump())));
    auto* value = FieldPtr(reply, "return");
    co_return value ? *value : nlohmann::json::object();
  }
}

asio::awaitable<nlohmann::json> QmpClient::WaitEvent(const std::string& name,
                                                     const std::function<bool(const nlohmann::json&)>& match,
                                                     std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto queued = std::find_if(pending_events_.begin(), pending_events_.end(),
                             [&](const nlohmann::json& e) { return e["event"] == name && match(e); });
  if (queued != pending_events_.end()) {
    auto event = *queued;
    pending_events_.erase(queued);
    co_return event;
  }
  while (true) {
    auto message = co_await ReadMessage(deadline, "event " + name);
    if (!message.contains("event")) continue;  // a late reply nobody waits for
    if (message["event"] == name && match(message)) co_return message;
    pending_events_.push_back(message);  // another waiter's event: kept, never dropped
  }
}

}  // namespace livecheck
