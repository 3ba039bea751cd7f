#include "common/byte_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <memory>

namespace livecheck {

ByteReader FileByteReader(const std::string& path) {
  auto fd = std::shared_ptr<int>(new int(open(path.c_str(), O_RDONLY | O_CLOEXEC)), [](int* p) {
    if (*p >= 0) close(*p);
    delete p;
  });
  return [fd](uint64_t offset, size_t length) {
    std::string out(length, '\0');
    size_t done = 0;
    while (*fd >= 0 && done < length) {
      ssize_t n = pread(*fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    out.resize(done);
    return out;
  };
}

ByteReader MemoryByteReader(std::string bytes) {
  auto data = std::make_shared<const std::string>(std::move(bytes));
  return [data](uint64_t offset, size_t length) {
    return offset >= data->size() ? std::string() : data->substr(offset, length);
  };
}

bool CanOpenForReading(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

uint64_t LittleEndian(const std::string& bytes, size_t at, int width) {
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i)
    v = (v << 8) | (at + i < bytes.size() ? static_cast<uint8_t>(bytes[at + i]) : 0);
  return v;
}

}  // namespace livecheck
