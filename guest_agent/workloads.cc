#include "guest_agent/workloads.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>
#include <stdexcept>
#include <vector>

namespace livecheck::agent {
namespace {

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

[[noreturn]] void Fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + strerror(errno));
}

nlohmann::json Figure(const std::string& name, double value, const std::string& unit, const std::string& better,
                      double seconds) {
  return {{"workload", name}, {"value", value}, {"unit", unit}, {"better", better}, {"seconds", seconds}};
}

void WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Fail("cannot write", path);
    data += n;
    size -= static_cast<size_t>(n);
  }
}

uint64_t ReadWhole(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) Fail("cannot open", path);
  std::vector<char> buffer(1 << 20);
  uint64_t total = 0;
  while (true) {
    ssize_t n = read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      Fail("cannot read", path);
    }
    if (n == 0) break;
    total += static_cast<uint64_t>(n);
  }
  close(fd);
  return total;
}

void DropCaches() {
  sync();
  int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;  // not root (host tests): measure warm
  WriteAll(fd, "3\n", 2, "/proc/sys/vm/drop_caches");
  close(fd);
}

nlohmann::json SmallFiles(const std::string& dir, int count) {
  mkdir(dir.c_str(), 0755);
  std::string block(1024, 'x');
  double start = Now();
  for (int i = 0; i < count; ++i) {
    std::string path = dir + "/f" + std::to_string(i);
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) Fail("cannot create", path);
    WriteAll(fd, block.data(), block.size(), path);
    close(fd);
  }
  for (int i = 0; i < count; ++i) {
    std::string path = dir + "/f" + std::to_string(i);
    if (unlink(path.c_str()) != 0) Fail("cannot delete", path);
  }
  double seconds = Now() - start;
  rmdir(dir.c_str());
  auto f = Figure("small-files", count / seconds, "files/s", "higher", seconds);
  f["files"] = count;
  return f;
}

nlohmann::json StatWalk(const std::string& root) {
  uint64_t entries = 0;
  double start = Now();
  auto walk = [&](auto&& self, const std::string& dir) -> void {
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) return;
    while (dirent* e = readdir(d)) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      std::string path = (dir == "/" ? "" : dir) + "/" + e->d_name;
      if (path == "/proc" || path == "/sys" || path == "/dev" || path == "/run") continue;
      struct stat st;
      if (lstat(path.c_str(), &st) != 0) continue;
      ++entries;
      if (S_ISDIR(st.st_mode)) self(self, path);
    }
    closedir(d);
  };
  walk(walk, root);
  double seconds = Now() - start;
  auto f = Figure("stat-walk", entries / seconds, "entries/s", "higher", seconds);
  f["entries"] = entries;
  return f;
}

nlohmann::json SeqWrite(const std::string& path, int size_mb) {
  std::vector<char> block(1 << 20);
  std::mt19937 rng(42);
  for (auto& c : block) c = static_cast<char>(rng());
  double start = Now();
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) Fail("cannot create", path);
  for (int i = 0; i < size_mb; ++i) WriteAll(fd, block.data(), block.size(), path);
  if (fsync(fd) != 0) Fail("cannot fsync", path);
  close(fd);
  double seconds = Now() - start;
  return Figure("seq-write", size_mb / seconds, "MB/s", "higher", seconds);
}

nlohmann::json SeqRead(const std::string& path) {
  double start = Now();
  uint64_t bytes = ReadWhole(path);
  double seconds = Now() - start;
  return Figure("seq-read", static_cast<double>(bytes) / (1 << 20) / seconds, "MB/s", "higher", seconds);
}

nlohmann::json CopyUp(const std::string& path) {
  double start = Now();
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) Fail("cannot open for writing", path);
  WriteAll(fd, "x", 1, path);
  close(fd);
  double seconds = Now() - start;
  return Figure("copy-up", seconds * 1000, "ms", "lower", seconds);
}

nlohmann::json RandomRead(const std::string& path, int count) {
  DropCaches();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) Fail("cannot open", path);
  struct stat st;
  fstat(fd, &st);
  uint64_t blocks = static_cast<uint64_t>(st.st_size) / 4096;
  if (blocks == 0) {
    close(fd);
    throw std::runtime_error(path + " is smaller than 4 KiB");
  }
  std::mt19937_64 rng(7);
  char buffer[4096];
  double start = Now();
  for (int i = 0; i < count; ++i) {
    off_t offset = static_cast<off_t>((rng() % blocks) * 4096);
    if (pread(fd, buffer, sizeof buffer, offset) < 0) {
      close(fd);
      Fail("cannot read", path);
    }
  }
  double seconds = Now() - start;
  close(fd);
  auto f = Figure("random-read", count / seconds, "IOPS", "higher", seconds);
  f["reads"] = count;
  return f;
}

nlohmann::json ColdRead(const std::string& path) {
  DropCaches();
  auto f = SeqRead(path);
  f["workload"] = "cold-read";
  return f;
}

}  // namespace

nlohmann::json RunWorkload(const nlohmann::json& r) {
  std::string name = r.at("workload").get<std::string>();
  const std::string data = "/usr/share/livecheck/bench.bin";  // lower-layer file of bench images
  if (name == "small-files") return SmallFiles(r.value("dir", "/root/livecheck-small"), r.value("count", 1000));
  if (name == "stat-walk") return StatWalk(r.value("root", "/"));
  if (name == "seq-write") return SeqWrite(r.value("file", "/root/livecheck-seq.bin"), r.value("size_mb", 32));
  if (name == "seq-read") return SeqRead(r.value("file", "/root/livecheck-seq.bin"));
  if (name == "copy-up") return CopyUp(r.value("file", data));
  if (name == "random-read") return RandomRead(r.value("file", data), r.value("count", 2000));
  if (name == "cold-read") return ColdRead(r.value("file", data));
  throw std::runtime_error("unknown workload '" + name + "'");
}

}  // namespace livecheck::agent
