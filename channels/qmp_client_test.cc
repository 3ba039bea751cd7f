#include "channels/qmp_client.h"

#include <thread>

#include <boost/asio.hpp>

#include "common/file_util.h"
#include "common/testing.h"
#include "machine/qemu_args.h"
#include "machine/qemu_process.h"

namespace livecheck {
namespace {

using std::chrono::milliseconds;

// A scripted QMP peer on a real Unix socket: answers by the script, in order.
struct FakeQmpPeer {
  asio::io_context& io;
  asio::local::stream_protocol::acceptor acceptor;
  std::vector<std::string> script;  ///< lines to send after each request line ("" = send nothing)

  FakeQmpPeer(asio::io_context& io, const fs::path& path, std::vector<std::string> lines)
      : io(io), acceptor(io, asio::local::stream_protocol::endpoint(path.string())), script(std::move(lines)) {}

  asio::awaitable<void> Serve(std::string greeting) {
    auto socket = co_await acceptor.async_accept(asio::use_awaitable);
    co_await asio::async_write(socket, asio::buffer(greeting), asio::use_awaitable);
    asio::streambuf buf;
    for (const auto& reply : script) {
      auto [ec, n] = co_await asio::async_read_until(socket, buf, '\n', asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      buf.consume(n);
      if (!reply.empty()) co_await asio::async_write(socket, asio::buffer(reply), asio::use_awaitable);
    }
    // Keep the connection open until the client is done.
    auto [ec, n] = co_await asio::async_read_until(socket, buf, '\n', asio::as_tuple(asio::use_awaitable));
    (void)ec;
    (void)n;
  }
};

// Braced JSON stays out of coroutine bodies (GCC 12 coroutine bug).
nlohmann::json Id(const std::string& id) { return {{"id", id}}; }
nlohmann::json None() { return nlohmann::json::object(); }

const std::string kGreeting = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n";

template <typename F>
void RunClient(asio::io_context& io, F body) {
  std::exception_ptr failure;
  asio::co_spawn(io, body(), [&](std::exception_ptr e) {
    failure = e;
    io.stop();
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
}

TEST(QmpClientTest, MatchesRepliesByIdAndQueuesEvents) {
  auto dir = testing::MakeTestDir();
  auto path = dir.path() / "qmp.sock";
  asio::io_context io;
  FakeQmpPeer peer(io, path,
                   {"{\"return\": {}, \"id\": 1}\n",
                    // An event and a stale reply arrive before the real answer.
                    "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": \"x/legacy[0]\"}}\n"
                    "{\"return\": {\"stale\": true}, \"id\": 99}\n"
                    "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": \"stickdev\"}}\n"
                    "{\"return\": {}, \"id\": 2}\n",
                    // Answer to the third request; the event only comes while WaitEvent reads.
                    "{\"return\": {}, \"id\": 3}\n{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true}}\n"});
  asio::co_spawn(io, peer.Serve(kGreeting), asio::detached);
  RunClient(io, [&]() -> asio::awaitable<void> {
    QmpClient qmp(io.get_executor());
    co_await qmp.Connect(path, milliseconds(2000));
    auto reply = co_await qmp.Execute("device_del", Id("stickdev"), milliseconds(2000));
    EXPECT_TRUE(reply.empty());
    auto event = co_await qmp.WaitEvent(
        "DEVICE_DELETED", [](const nlohmann::json& e) { return e["data"]["device"] == "stickdev"; },
        milliseconds(2000));
    EXPECT_EQ(event["data"]["device"], "stickdev");
    co_await qmp.Execute("system_powerdown", None(), milliseconds(2000));
    auto shutdown = co_await qmp.WaitEvent("SHUTDOWN", [](const nlohmann::json&) { return true; }, milliseconds(2000));
    EXPECT_TRUE(shutdown["data"]["guest"]);
    EXPECT_EQ(qmp.event_log().size(), 3u);
  });
}

// Seen in CI: QEMU wrote RESUME before its greeting to a client that
// connected while the machine was starting.
TEST(QmpClientTest, EventBeforeTheGreetingIsKept) {
  auto dir = testing::MakeTestDir();
  auto path = dir.path() / "qmp.sock";
  asio::io_context io;
  FakeQmpPeer peer(io, path, {"{\"return\": {}, \"id\": 1}\n"});
  asio::co_spawn(io, peer.Serve("{\"event\": \"RESUME\", \"timestamp\": {}}\n" + kGreeting), asio::detached);
  RunClient(io, [&]() -> asio::awaitable<void> {
    QmpClient qmp(io.get_executor());
    co_await qmp.Connect(path, milliseconds(2000));
    auto resume = co_await qmp.WaitEvent("RESUME", [](const nlohmann::json&) { return true; }, milliseconds(100));
    EXPECT_EQ(resume["event"], "RESUME");
    EXPECT_EQ(qmp.event_log().size(), 1u);
  });
}

TEST(QmpClientTest, AReplyInPlaceOfTheGreetingIsAnError) {
  auto dir = testing::MakeTestDir();
  auto path = dir.path() / "qmp.sock";
  asio::io_context io;
  FakeQmpPeer peer(io, path, {});
  asio::co_spawn(io, peer.Serve("{\"return\": {}}\n"), asio::detached);
  std::string message;
  RunClient(io, [&]() -> asio::awaitable<void> {
    QmpClient qmp(io.get_executor());
    try {
      co_await qmp.Connect(path, milliseconds(2000));
    } catch (const QmpError& e) {
      message = e.what();
    }
  });
  EXPECT_EQ(message, "QMP: unexpected greeting: {\"return\":{}}");
}

TEST(QmpClientTest, ErrorReplyTimeoutAndGarbageAreQmpErrors) {
  auto dir = testing::MakeTestDir();
  auto path = dir.path() / "qmp.sock";
  asio::io_context io;
  FakeQmpPeer peer(io, path,
                   {"{\"return\": {}, \"id\": 1}\n",
                    "{\"error\": {\"class\": \"DeviceNotFound\", \"desc\": \"Device 'x' not found\"}, \"id\": 2}\n",
                    "",  // no answer at all
                    "this is not json\n"});
  asio::co_spawn(io, peer.Serve(kGreeting), asio::detached);
  RunClient(io, [&]() -> asio::awaitable<void> {
    QmpClient qmp(io.get_executor());
    co_await qmp.Connect(path, milliseconds(2000));
    std::string message;
    try {
      co_await qmp.Execute("device_del", Id("x"), milliseconds(2000));
    } catch (const QmpError& e) {
      message = e.what();
    }
    EXPECT_EQ(message, "QMP: device_del failed: Device 'x' not found");
    try {
      co_await qmp.Execute("query-status", None(), milliseconds(200));
    } catch (const QmpError& e) {
      message = e.what();
    }
    EXPECT_EQ(message, "QMP: timed out waiting for the reply to query-status");
    try {
      co_await qmp.Execute("query-status", None(), milliseconds(2000));
    } catch (const QmpError& e) {
      message = e.what();
    }
    EXPECT_EQ(message, "QMP: malformed message: this is not json");
  });
}

TEST(QmpClientTest, NobodyListeningTimesOut) {
  auto dir = testing::MakeTestDir();
  asio::io_context io;
  EXPECT_THROW(RunClient(io, [&]() -> asio::awaitable<void> {
                 QmpClient qmp(io.get_executor());
                 co_await qmp.Connect(dir.path() / "none.sock", milliseconds(300));
               }),
               QmpError);
}

// The same client against a real QEMU (no guest needed: -S keeps it paused).
TEST(QmpClientTest, RealQemuBlockstatsAndQuit) {
  auto dir = testing::MakeTestDir();
  auto disk = dir.path() / "d.img";
  WriteFileAtomic(disk, std::string(1 << 20, '\0'));
  std::vector<std::string> argv = {"qemu-system-x86_64", "-S", "-machine", "q35,accel=tcg", "-nodefaults",
                                   "-display", "none", "-qmp",
                                   "unix:" + (dir.path() / "qmp.sock").string() + ",server=on,wait=off", "-drive",
                                   "if=none,id=stick,format=raw,readonly=on,file=" + disk.string()};
  QemuProcess qemu(argv, dir.path() / "qemu.log");
  asio::io_context io;
  RunClient(io, [&]() -> asio::awaitable<void> {
    QmpClient qmp(io.get_executor());
    co_await qmp.Connect(dir.path() / "qmp.sock", milliseconds(10000));
    auto stats = co_await qmp.Execute("query-blockstats", None(), milliseconds(5000));
    bool found = false;
    for (const auto& s : stats)
      if (s["device"] == "stick") {
        found = true;
        EXPECT_EQ(s["stats"]["wr_operations"], 0);
      }
    EXPECT_TRUE(found) << stats.dump();
    try {
      co_await qmp.Execute("quit", None(), milliseconds(5000));
    } catch (const QmpError&) {
    }
  });
  EXPECT_TRUE(qemu.WaitExit(milliseconds(10000)));
}

}  // namespace
}  // namespace livecheck
