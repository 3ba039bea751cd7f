// The agent client against a hostile fake agent on a real Unix socket:
// garbage, half lines, a huge line, silence, a hang-up. Each must end in a
// clear error or a correct answer: never a crash, a hang or unbounded memory.
#include "channels/agent_client.h"

#include <boost/asio.hpp>

#include "common/testing.h"

namespace livecheck {
namespace {

using std::chrono::milliseconds;

// Serves `script` (raw bytes, written at once) to the first client, then
// reads until the client goes away.
asio::awaitable<void> FakeAgent(asio::local::stream_protocol::acceptor& acceptor, std::string script) {
  auto socket = co_await acceptor.async_accept(asio::use_awaitable);
  if (!script.empty()) co_await asio::async_write(socket, asio::buffer(script), asio::use_awaitable);
  if (script.find("HANGUP") != std::string::npos) co_return;
  char buf[4096];
  while (true) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

nlohmann::json Ping() { return {{"cmd", "ping"}}; }

// Runs `body` against a fake agent serving `script`; returns the error text, or "" on success.
std::string Against(const std::string& script, std::function<asio::awaitable<void>(AgentClient&)> body) {
  auto dir = testing::MakeTestDir();
  auto path = dir.path() / "agent.sock";
  asio::io_context io;
  asio::local::stream_protocol::acceptor acceptor(io, asio::local::stream_protocol::endpoint(path.string()));
  asio::co_spawn(io, FakeAgent(acceptor, script), asio::detached);
  std::string error;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        AgentClient agent(io.get_executor());
        co_await agent.Connect(path, milliseconds(2000));
        co_await body(agent);
      },
      [&](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            error = ex.what();
          }
        }
        io.stop();
      });
  io.run();
  return error;
}

TEST(AgentClientTest, GarbageAndHalfLinesBeforeTheAnswerAreSkipped) {
  int garbage = 0;
  nlohmann::json answer;
  auto error = Against("\x01\x02 boot noise\n{\"id\": 1, \"ok\": tr\n[1,2,3]\n{\"id\":1,\"ok\":true,\"result\":{\"uptime\":3.5}}\n",
                       [&](AgentClient& agent) -> asio::awaitable<void> {
                         answer = co_await agent.Request(Ping(), milliseconds(2000));
                         garbage = agent.garbage_lines();
                       });
  EXPECT_EQ(error, "");
  EXPECT_EQ(answer["uptime"], 3.5);
  EXPECT_EQ(garbage, 3);
}

TEST(AgentClientTest, WrongTypedFieldsAreGarbageNotExceptions) {
  nlohmann::json answer;
  auto error = Against("{\"id\": \"1\"}\n{\"id\": [1], \"ok\": \"yes\"}\n{\"id\":1,\"ok\":true,\"result\":7}\n",
                       [&](AgentClient& agent) -> asio::awaitable<void> {
                         answer = co_await agent.Request(Ping(), milliseconds(2000));
                       });
  EXPECT_EQ(error, "");
  EXPECT_EQ(answer, 7);
}

TEST(AgentClientTest, SilentAgentTimesOut) {
  auto error = Against("", [](AgentClient& agent) -> asio::awaitable<void> {
    co_await agent.Request(Ping(), milliseconds(300));
  });
  EXPECT_EQ(error, "agent: no answer to ping within 0.3 s");
}

TEST(AgentClientTest, HangUpIsAClearError) {
  auto error = Against("{\"id\": 7}\nHANGUP", [](AgentClient& agent) -> asio::awaitable<void> {
    co_await agent.Request(Ping(), milliseconds(2000));
  });
  EXPECT_EQ(error, "agent: channel closed during ping");
}

TEST(AgentClientTest, ErrorAnswerIsReported) {
  auto error = Against("{\"id\":1,\"ok\":false,\"error\":\"unknown command 'ping'\"}\n",
                       [](AgentClient& agent) -> asio::awaitable<void> {
                         co_await agent.Request(Ping(), milliseconds(2000));
                       });
  EXPECT_EQ(error, "agent: ping failed: unknown command 'ping'");
}

TEST(AgentClientTest, HugeLineWithoutNewlineDoesNotGrowWithoutBound) {
  // 8 MiB without a newline, then nothing: a timeout, not a crash.
  auto error = Against(std::string(8 << 20, 'A'), [](AgentClient& agent) -> asio::awaitable<void> {
    co_await agent.Request(Ping(), milliseconds(1500));
  });
  EXPECT_EQ(error, "agent: no answer to ping within 1.5 s");
}

TEST(AgentClientTest, NeverReadyAgentIsAnError) {
  auto error = Against("not json at all\n", [](AgentClient& agent) -> asio::awaitable<void> {
    co_await agent.WaitReady(milliseconds(1200));
  });
  EXPECT_EQ(error, "the guest agent did not answer in time");
}

}  // namespace
}  // namespace livecheck
