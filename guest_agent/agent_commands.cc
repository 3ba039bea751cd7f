#include "guest_agent/agent_commands.h"
#include "guest_agent/command_runner.h"
#include "guest_agent/secret_commands.h"
#include "guest_agent/workloads.h"

#include "common/json_fields.h"
#include "common/storage_kernel_log.h"
#include "common/text_lines.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/klog.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

// OpenSSL's SHA-256 functions rather than its EVP interface: in a static
// binary EVP brings in every algorithm of OpenSSL's default provider (the
// agent was 5.7 MB, now 2.2 MB), and every boot unpacks the agent from the
// initramfs under emulation. Deprecated in OpenSSL 3 but still there, and
// still dispatched to the CPU's fastest code (masked by OPENSSL_ia32cap under
// TCG, see tcg_crypto.h).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace livecheck::agent {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Hex(const unsigned char* data, unsigned size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

// Returns the digest, or an empty string with `error` set.
std::string Sha256Of(const std::string& path, int& error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    error = errno;
    return "";
  }
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  std::vector<char> buffer(1 << 16);
  error = 0;
  while (true) {
    ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = errno;
      break;
    }
    if (n == 0) break;
    SHA256_Update(&ctx, buffer.data(), static_cast<size_t>(n));
  }
  close(fd);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &ctx);
  return error ? "" : Hex(digest, sizeof digest);
}

}  // namespace

std::string ErrnoName(int error) {
  switch (error) {
    case 0: return "";
    case EROFS: return "EROFS";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EIO: return "EIO";
    case ENOSPC: return "ENOSPC";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENXIO: return "ENXIO";
    case ENODEV: return "ENODEV";
    case ELOOP: return "ELOOP";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    default: return "errno " + std::to_string(error);
  }
}

std::vector<MountEntry> ParseMountInfo(std::string_view text) {
  std::vector<MountEntry> mounts;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto fields = SplitFields(text.substr(start, end - start));
    start = end + 1;
    // id parent major:minor root mount_point options [optional...] - fstype source super_options
    auto dash_at = static_cast<size_t>(std::find(fields.begin(), fields.end(), std::string_view("-")) - fields.begin());
    if (fields.size() < 6 || dash_at + 2 >= fields.size()) continue;
    auto dash = fields.begin() + static_cast<std::ptrdiff_t>(dash_at);
    MountEntry m;
    m.device = std::string(fields[2]);
    m.mount_point = UnescapeOctal(fields[4]);
    m.options = std::string(fields[5]);
    m.fs_type = std::string(*(dash + 1));
    m.source = UnescapeOctal(*(dash + 2));
    if (dash + 3 < fields.end()) m.super_options = UnescapeOctal(*(dash + 3));
    mounts.push_back(m);
  }
  return mounts;
}

nlohmann::json Mounts(const std::string& mountinfo_path) {
  auto list = nlohmann::json::array();
  for (const auto& m : ParseMountInfo(ReadText(mountinfo_path)))
    list.push_back({{"mount_point", m.mount_point}, {"fs_type", m.fs_type}, {"source", m.source},
                    {"options", m.options}, {"super_options", m.super_options}, {"device", m.device}});
  return list;
}

nlohmann::json Statfs(const std::string& path) {
  struct statfs sf;
  struct statvfs svf;
  if (statfs(path.c_str(), &sf) != 0 || statvfs(path.c_str(), &svf) != 0)
    return {{"path", path}, {"error", ErrnoName(errno)}};
  char magic[32];
  snprintf(magic, sizeof magic, "0x%lx", static_cast<unsigned long>(sf.f_type));
  return {{"path", path},
          {"fs_magic", magic},
          {"read_only", (svf.f_flag & ST_RDONLY) != 0},
          {"block_size", svf.f_bsize},
          {"blocks", svf.f_blocks},
          {"blocks_free", svf.f_bfree}};
}

nlohmann::json WriteProbe(const std::string& path, const std::string& content) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return {{"path", path}, {"written", false}, {"errno", ErrnoName(errno)}};
  ssize_t n = write(fd, content.data(), content.size());
  int error = n < 0 ? errno : 0;
  if (close(fd) != 0 && error == 0) error = errno;
  return {{"path", path}, {"written", error == 0}, {"errno", ErrnoName(error)}};
}

nlohmann::json Stat(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return {{"path", path}, {"exists", false}, {"errno", ErrnoName(errno)}};
  std::string type = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "symlink" : "other";
  return {{"path", path}, {"exists", true}, {"type", type}, {"size", st.st_size}};
}

nlohmann::json Swaps(const std::string& swaps_path) {
  auto list = nlohmann::json::array();
  std::istringstream in(ReadText(swaps_path));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    auto fields = SplitFields(line);
    if (!fields.empty()) list.push_back({{"device", UnescapeOctal(fields[0])}, {"type", fields.size() > 1 ? std::string(fields[1]) : ""}});
  }
  return list;
}

nlohmann::json KernelLog() {
  // syslog(2)'s actions; glibc's <sys/klog.h> declares klogctl only.
  constexpr int SYSLOG_ACTION_READ_ALL = 3, SYSLOG_ACTION_SIZE_BUFFER = 10;
  auto empty = nlohmann::json::array();
  int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, nullptr, 0);
  if (size <= 0) return {{"lines", empty}, {"error", ErrnoName(errno)}};
  std::string buffer(static_cast<size_t>(std::min(size, 16 << 20)), '\0');
  int n = klogctl(SYSLOG_ACTION_READ_ALL, buffer.data(), static_cast<int>(buffer.size()));
  if (n < 0) return {{"lines", empty}, {"error", ErrnoName(errno)}};
  buffer.resize(static_cast<size_t>(n));
  return {{"lines", StorageKernelMessages(buffer, kMaxKernelLogLines)}};
}

namespace {

// The serial of the USB device a block device hangs off (a usb-storage or
// UAS stick, and its partitions): the nearest sysfs parent with an idVendor.
// "" for any other disk. Bounded: a serial is at most 64 bytes here.
std::string UsbSerial(const std::string& sys_path) {
  char resolved[PATH_MAX];
  if (realpath(sys_path.c_str(), resolved) == nullptr) return "";
  std::string dir = resolved;
  for (int depth = 0; depth < 16 && dir.size() > 1; ++depth) {
    if (access((dir + "/idVendor").c_str(), R_OK) == 0) {
      std::string serial = ReadText(dir + "/serial").substr(0, 64);
      while (!serial.empty() && (serial.back() == '\n' || serial.back() == ' ')) serial.pop_back();
      return serial;
    }
    dir.resize(dir.rfind('/'));
  }
  return "";
}

// The devices a stacked device (md array, device-mapper: LVM, dm-crypt) is
// built on, from its sysfs `slaves` directory: how an activation on an
// internal disk is seen. Bounded: an md array has at most a few dozen.
nlohmann::json Slaves(const std::string& base) {
  auto list = nlohmann::json::array();
  DIR* dir = opendir((base + "/slaves").c_str());
  if (dir == nullptr) return list;
  std::vector<std::string> names;
  while (dirent* e = readdir(dir))
    if (e->d_name[0] != '.' && names.size() < 64) names.push_back(std::string(e->d_name).substr(0, 64));
  closedir(dir);
  std::sort(names.begin(), names.end());
  for (auto& n : names) list.push_back(std::move(n));
  return list;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A stacked device's slaves and device-mapper names; empty for any other.
nlohmann::json StackedFacts(const std::string& base) {
  auto slaves = Slaves(base);
  if (slaves.empty()) return nlohmann::json::object();
  // device-mapper's own names: "suspectvg-data", "LVM-<vg uuid><lv uuid>".
  return {{"slaves", slaves},
          {"dm_name", Trimmed(ReadText(base + "/dm/name").substr(0, 128))},
          {"dm_uuid", Trimmed(ReadText(base + "/dm/uuid").substr(0, 160))}};
}

std::vector<std::string> SortedEntries(const std::string& dir_path) {
  std::vector<std::string> names;
  DIR* dir = opendir(dir_path.c_str());
  if (dir == nullptr) return names;
  while (dirent* e = readdir(dir))
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

nlohmann::json StackedDevices(const std::string& sys_block) {
  auto list = nlohmann::json::array();
  for (const auto& name : SortedEntries(sys_block)) {
    auto facts = StackedFacts(sys_block + "/" + name);
    if (facts.empty()) continue;
    facts["name"] = name;
    list.push_back(std::move(facts));
  }
  return list;
}

// Where the device sits in sysfs ("/sys/devices/pci0000:00/0000:00:1f.2/
// ata3/host2/..."): its controller and port, which its name does not tell.
std::string SysPath(const std::string& sys_path) {
  char resolved[PATH_MAX];
  if (realpath(sys_path.c_str(), resolved) == nullptr) return "";
  return std::string(resolved).substr(0, 512);
}

nlohmann::json BlockDevices(const std::string& sys_block, const std::string& mountinfo_path) {
  auto mounts = ParseMountInfo(ReadText(mountinfo_path));
  auto list = nlohmann::json::array();
  for (const auto& name : SortedEntries(sys_block)) {
    auto base = sys_block + "/" + name;
    std::string dev = Trimmed(ReadText(base + "/dev"));
    std::string size = Trimmed(ReadText(base + "/size"));
    auto mounted = nlohmann::json::array();
    for (const auto& m : mounts)
      if (m.device == dev || m.source == "/dev/" + name) mounted.push_back(m.mount_point);
    nlohmann::json device = {{"name", name},
                             {"device", dev},
                             {"bytes", size.empty() ? 0 : std::stoull(size) * 512},
                             {"removable", Trimmed(ReadText(base + "/removable")) == "1"},
                             {"read_only", Trimmed(ReadText(base + "/ro")) == "1"},
                             {"usb_serial", UsbSerial(base)},
                             {"sys_path", SysPath(base)},
                             {"mounted_at", mounted}};
    device.update(StackedFacts(base));
    list.push_back(std::move(device));
  }
  return list;
}

nlohmann::json HashTree(const std::string& root, const std::vector<std::string>& skip) {
  auto files = nlohmann::json::array();
  auto walk = [&](auto&& self, const std::string& dir) -> void {
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) {
      files.push_back({{"path", dir}, {"type", "dir"}, {"error", ErrnoName(errno)}});
      return;
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(d))
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) names.push_back(e->d_name);
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      std::string path = (dir == "/" ? "" : dir) + "/" + name;
      if (std::find(skip.begin(), skip.end(), path) != skip.end()) continue;
      struct stat st;
      if (lstat(path.c_str(), &st) != 0) {
        files.push_back({{"path", path}, {"error", ErrnoName(errno)}});
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        self(self, path);
      } else if (S_ISREG(st.st_mode)) {
        int error = 0;
        auto digest = Sha256Of(path, error);
        if (error) files.push_back({{"path", path}, {"size", st.st_size}, {"error", ErrnoName(error)}});
        else files.push_back({{"path", path}, {"size", st.st_size}, {"sha256", digest}});
      }
    }
  };
  walk(walk, root);
  return files;
}

nlohmann::json Uptime(const std::string& uptime_path) {
  double up = 0;
  std::istringstream(ReadText(uptime_path)) >> up;
  return {{"uptime", up}};
}

nlohmann::json HandleRequest(const nlohmann::json& request) {
  nlohmann::json response = {{"id", IntField(request, "id", 0)}};
  try {
    std::string cmd = request.at("cmd").get<std::string>();
    nlohmann::json result;
    if (cmd == "ping" || cmd == "uptime") result = Uptime();
    else if (cmd == "mounts") result = Mounts();
    else if (cmd == "statfs") result = Statfs(request.at("path").get<std::string>());
    else if (cmd == "write-probe")
      result = WriteProbe(request.at("path").get<std::string>(), request.value("content", "livecheck\n"));
    else if (cmd == "stat") result = Stat(request.at("path").get<std::string>());
    else if (cmd == "swaps") result = Swaps();
    else if (cmd == "block-devices") result = BlockDevices();
    else if (cmd == "kernel-log") result = KernelLog();
    else if (cmd == "hash-tree")
      result = HashTree(request.value("root", "/"), request.value("skip", std::vector<std::string>{}));
    else if (cmd == "drop-caches") {
      sync();
      result = WriteProbe("/proc/sys/vm/drop_caches", "3\n");
    } else if (cmd == "run") {
      result = RunCommand(request.at("command").get<std::string>(), request.value("timeout", 60.0));
    } else if (cmd == "workload") {
      result = RunWorkload(request);
    } else if (cmd == "plant-secret") {
      result = PlantSecret(request.at("hex").get<std::string>(), request.at("paths").get<std::vector<std::string>>());
    } else if (cmd == "secret-tmpfs") {
      result = SecretInTmpfs(request.at("hex").get<std::string>(), request.value("dir", "/run/livecheck-secret"));
    } else if (cmd == "poweroff") {
      sync();
      result = {{"powering_off", true}};
    } else {
      throw std::runtime_error("unknown command '" + cmd + "'");
    }
    response["ok"] = true;
    response["result"] = result;
  } catch (const std::exception& e) {
    response["ok"] = false;
    response["error"] = e.what();
  }
  return response;
}

}  // namespace livecheck::agent
