// livecheck-agent: runs inside the live guest, answers the host's questions
// over a serial port with one JSON object per line. Statically linked so it
// runs on any userland; it is copied into RAM before it starts so it keeps
// answering after the boot medium is pulled.
//
//   livecheck-agent [--port /dev/ttyS1] [--follow-init [--settle auto|none|file:/path]
//                   [--mark-root-ready]
//                   [--console PATH] [--proc DIR]]
//
// No --port: stdin/stdout, for tests. --follow-init: started from an
// initramfs; answers only once PID 1 has switched into the booted root and
// that system has settled, and then reads everything through PID 1's root.
#include <fcntl.h>
#include <poll.h>
#include <sys/reboot.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/json_fields.h"
#include "common/untrusted_json.h"
#include "common/line_buffer.h"
#include "guest_agent/agent_commands.h"
#include "guest_agent/follow_init.h"
#include "guest_agent/init_wrapper.h"
#include "guest_agent/stacked_watch.h"
#include "guest_agent/tcg_crypto.h"

namespace {

constexpr size_t kMaxRequest = 64 * 1024;

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

void MakeRaw(int fd) {
  termios t;
  if (tcgetattr(fd, &t) != 0) return;  // not a tty (tests use pipes)
  cfmakeraw(&t);
  cfsetspeed(&t, B115200);
  tcsetattr(fd, TCSANOW, &t);
}

int Usage(const std::string& problem) {
  fprintf(stderr, "livecheck-agent: %s\nusage: livecheck-agent [--port DEV] [--follow-init [--settle auto|none|file:/path] [--mark-root-ready] [--console PATH] [--proc DIR]]\n",
          problem.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Started by the kernel as rdinit= of an initrd livecheck did not build.
  if (getpid() == 1) return livecheck::agent::RunAsInitWrapper(argv);
  livecheck::agent::ReexecWithScalarCryptoOnTcg(argv);
  int in = 0, out = 1;
  std::string port, console_path = "/dev/console";
  bool follow = false;
  livecheck::agent::FollowOptions follow_options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--port" && i + 1 < argc) port = argv[++i];
    else if (arg == "--follow-init") follow = true;
    else if (arg == "--mark-root-ready") follow_options.mark_root_ready = true;
    else if (arg == "--console" && i + 1 < argc) console_path = argv[++i];
    else if (arg == "--proc" && i + 1 < argc) follow_options.proc = argv[++i];
    else if (arg == "--settle" && i + 1 < argc) {
      if (!livecheck::agent::ParseSettleRule(argv[++i], follow_options.settle))
        return Usage(std::string("--settle: expected auto, none or file:/path, got '") + argv[i] + "'");
    } else {
      return Usage("unknown argument '" + arg + "'");
    }
  }
  if (!port.empty()) {
    in = out = open(port.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (in < 0) {
      fprintf(stderr, "livecheck-agent: cannot open %s: %s\n", port.c_str(), strerror(errno));
      return 1;
    }
    MakeRaw(in);
  }
  nlohmann::json followed;
  if (follow) {
    // Opened now: the initramfs's /dev is out of reach after the switch.
    int console = open(console_path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    followed = livecheck::agent::FollowInit(follow_options, console);
    if (console >= 0) close(console);
  }
  auto hello = nlohmann::json{{"event", "ready"}, {"protocol", 1}};
  hello.update(livecheck::agent::Uptime());
  if (follow) hello["follow"] = followed;
  WriteAll(out, hello.dump() + "\n");

  livecheck::agent::StackedWatch stacked;
  auto uptime_now = [] { return livecheck::agent::Uptime().value("uptime", 0.0); };
  stacked.Scan(uptime_now());
  livecheck::LineBuffer lines(kMaxRequest);
  char buffer[4096];
  while (true) {
    // Idle for half a second: look at the stacked devices again.
    pollfd ready = {in, POLLIN, 0};
    int polled = poll(&ready, 1, 500);
    if (polled < 0 && errno != EINTR) return 0;
    if (polled <= 0) {
      stacked.Scan(uptime_now());
      continue;
    }
    ssize_t n = read(in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    lines.Append(std::string_view(buffer, static_cast<size_t>(n)));
    std::string line;
    for (auto status = lines.Next(line); status != livecheck::LineBuffer::Status::kNeedMore;
         status = lines.Next(line)) {
      nlohmann::json response;
      bool poweroff = false;
      if (status == livecheck::LineBuffer::Status::kOverlong) {
        response = {{"id", 0}, {"ok", false}, {"error", "request too long"}};
      } else if (line.empty()) {
        continue;
      } else {
        auto request = livecheck::ParseUntrustedJson(line);
        if (request.is_discarded() || !request.is_object()) {
          response = {{"id", 0}, {"ok", false}, {"error", "malformed request"}};
        } else if (livecheck::StringField(request, "cmd") == "stacked-seen") {
          stacked.Scan(uptime_now());
          response = {{"id", livecheck::IntField(request, "id", 0)}, {"ok", true}, {"result", stacked.Seen()}};
        } else {
          stacked.Scan(uptime_now());
          response = livecheck::agent::HandleRequest(request);
          // The host learns how the agent found the system on its first ping.
          if (follow && livecheck::StringField(request, "cmd") == "ping" && response.contains("result") &&
              response["result"].is_object())
            response["result"]["follow"] = followed;
          poweroff = livecheck::StringField(request, "cmd") == "poweroff";
        }
      }
      WriteAll(out, response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      if (poweroff) {
        tcdrain(out);  // the answer must leave the UART before the machine stops
        sync();
        reboot(RB_POWER_OFF);
      }
    }
  }
}
