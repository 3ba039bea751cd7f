#include "guest_agent/secret_commands.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace livecheck::agent {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Overwrites the agent's own copy: the only copies left are the ones the
// session made on purpose.
void Wipe(std::string& secret) {
  explicit_bzero(secret.data(), secret.size());
  secret.clear();
}

int WriteAll(const std::string& path, const std::string& data, int flags) {
  int fd = open(path.c_str(), flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  size_t done = 0;
  int error = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = errno;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 && error == 0) error = errno;
  if (close(fd) != 0 && error == 0) error = errno;
  return error;
}

}  // namespace

std::string DecodeHex(const std::string& hex) {
  if (hex.size() % 2 != 0 || hex.empty()) throw std::runtime_error("hex secret of odd or zero length");
  std::string out;
  out.reserve(hex.size() / 2);  // no reallocation: no freed copy left on the heap
  for (size_t i = 0; i < hex.size(); i += 2) {
    int high = HexValue(hex[i]), low = HexValue(hex[i + 1]);
    if (high < 0 || low < 0) throw std::runtime_error("not hex");
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

nlohmann::json PlantSecret(const std::string& hex, const std::vector<std::string>& paths) {
  std::string line = DecodeHex(hex);
  line.reserve(line.size() + 1);
  line.push_back('\n');
  auto results = nlohmann::json::array();
  for (const auto& path : paths) {
    int error = WriteAll(path, line, O_APPEND);
    results.push_back({{"path", path}, {"written", error == 0}, {"errno", error == 0 ? "" : strerror(error)}});
  }
  Wipe(line);
  sync();
  return results;
}

nlohmann::json SecretInTmpfs(const std::string& hex, const std::string& dir) {
  std::string secret = DecodeHex(hex);
  nlohmann::json result = {{"mounted", false}, {"written", false}, {"unmounted", false}, {"errno", ""}};
  mkdir(dir.c_str(), 0700);
  if (mount("livecheck-secret", dir.c_str(), "tmpfs", 0, "size=1m,mode=0700") != 0) {
    result["errno"] = strerror(errno);
    Wipe(secret);
    return result;
  }
  result["mounted"] = true;
  // A page of it: enough to find in a memory dump, like a small document.
  // Built in place: temporaries and reallocations would leave freed copies
  // in the agent's heap, which no kernel memory wiping reaches.
  std::string page;
  page.reserve(4096);
  while (page.size() + secret.size() + 1 <= 4096) {
    page.append(secret);
    page.push_back('\n');
  }
  int error = WriteAll(dir + "/secret.txt", page, O_TRUNC);
  Wipe(page);
  Wipe(secret);
  result["written"] = error == 0;
  if (error != 0) result["errno"] = strerror(error);
  if (umount(dir.c_str()) == 0) result["unmounted"] = true;
  else result["errno"] = strerror(errno);
  rmdir(dir.c_str());
  return result;
}

}  // namespace livecheck::agent
