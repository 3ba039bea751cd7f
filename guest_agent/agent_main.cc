// livecheck-agent: runs inside the live guest, answers the host's questions
// over a serial port with one JSON object per line. Statically linked so it
// runs on any userland; it is copied into RAM before it starts so it keeps
// answering after the boot medium is pulled.
//
//   livecheck-agent [--port /dev/ttyS1]     (no --port: stdin/stdout, for tests)
#include <fcntl.h>
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

}  // namespace

int main(int argc, char** argv) {
  int in = 0, out = 1;
  if (argc == 3 && std::string(argv[1]) == "--port") {
    in = out = open(argv[2], O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (in < 0) {
      fprintf(stderr, "livecheck-agent: cannot open %s: %s\n", argv[2], strerror(errno));
      return 1;
    }
    MakeRaw(in);
  }
  auto hello = nlohmann::json{{"event", "ready"}, {"protocol", 1}};
  hello.update(livecheck::agent::Uptime());
  WriteAll(out, hello.dump() + "\n");

  livecheck::LineBuffer lines(kMaxRequest);
  char buffer[4096];
  while (true) {
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
        } else {
          response = livecheck::agent::HandleRequest(request);
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
