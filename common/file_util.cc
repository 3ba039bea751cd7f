#include "common/file_util.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "common/error.h"

namespace livecheck {

std::string DescribeIoError(const std::string& operation, const fs::path& path, int error) {
  std::string hint = error == ENOSPC ? " (the disk is full)" : "";
  return fmt::format("cannot {} {}: {}{}", operation, path.string(), strerror(error), hint);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(DescribeIoError("read", path, errno));
  // One read for a regular file (disk images are tens of MiB; a character
  // loop costs seconds in a sanitizer build); /proc files say size 0.
  std::error_code ec;
  auto size = fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0;
  if (!ec && size > 0) {
    std::string content(size, '\0');
    in.read(content.data(), static_cast<std::streamsize>(size));
    content.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    if (in.gcount() == static_cast<std::streamsize>(size) && in.peek() == std::char_traits<char>::eof()) return content;
    in.clear();
    std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return content + rest;
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return content;
}

std::string ReadFileFrom(const fs::path& path, uint64_t offset, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(static_cast<std::streamoff>(offset));
  std::string data(max_bytes, '\0');
  in.read(data.data(), static_cast<std::streamsize>(max_bytes));
  data.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return data;
}

namespace {

// Writes and syncs `content` to a temporary file beside `path`; returns its name.
fs::path WriteTempBeside(const fs::path& path, const std::string& content, int mode) {
  fs::path temp = path;
  temp += fmt::format(".tmp{}", getpid());
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw Error(DescribeIoError("create", temp, errno));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      close(fd);
      unlink(temp.c_str());
      throw Error(DescribeIoError("write", path, error));
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    int error = errno;
    unlink(temp.c_str());
    throw Error(DescribeIoError("write", path, error));
  }
  return temp;
}

void RenameInto(const fs::path& temp, const fs::path& path) {
  if (rename(temp.c_str(), path.c_str()) != 0) {
    int error = errno;
    unlink(temp.c_str());
    throw Error(DescribeIoError("rename into", path, error));
  }
}

}  // namespace

void WriteFileAtomic(const fs::path& path, const std::string& content, int mode) {
  RenameInto(WriteTempBeside(path, content, mode), path);
}

void WriteFilesTogether(const std::vector<std::pair<fs::path, std::string>>& files) {
  std::vector<fs::path> temps;
  try {
    for (const auto& [path, content] : files) temps.push_back(WriteTempBeside(path, content, 0644));
  } catch (const Error&) {
    for (const auto& temp : temps) unlink(temp.c_str());
    throw;
  }
  // Renames within one directory do not need space: once every file is
  // written, they all land.
  for (size_t i = 0; i < files.size(); ++i) RenameInto(temps[i], files[i].first);
}

void ReplaceWithCopy(const fs::path& from, const fs::path& to) {
  int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw Error(DescribeIoError("read", from, errno));
  // Unlink first: a symlink at `to` must be replaced, never written through.
  unlink(to.c_str());
  int out = open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    int error = errno;
    close(in);
    throw Error(DescribeIoError("create", to, error));
  }
  std::string buffer(1 << 20, '\0');
  int error = 0;
  while (true) {
    ssize_t n = read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = errno;
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(out, buffer.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        error = errno;
        break;
      }
      done += w;
    }
    if (error != 0) break;
  }
  close(in);
  if (close(out) != 0 && error == 0) error = errno;
  if (error != 0) {
    unlink(to.c_str());
    throw Error(DescribeIoError("write", to, error));
  }
}

void LinkOrCopy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::remove(to, ec);
  fs::create_hard_link(from, to, ec);
  if (ec) ReplaceWithCopy(from, to);
}

void ClampTreeMtimes(const fs::path& root, int64_t epoch) {
  const timespec times[2] = {{epoch, 0}, {epoch, 0}};
  auto clamp = [&](const fs::path& p) {
    if (utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
      throw Error(DescribeIoError("set the time of", p, errno));
  };
  // Children first: setting a directory's time before writing into it would be undone.
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it)
    clamp(it->path());
  clamp(root);
}

DirectoryClaim::DirectoryClaim(const fs::path& dir, const std::string& what) {
  auto path = dir / ".lock";
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(DescribeIoError("create", path, errno));
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    close(fd_);
    throw Error(fmt::format("{} {} is in use by another livecheck run; give each run its own", what, dir.string()));
  }
}

DirectoryClaim::~DirectoryClaim() {
  if (fd_ >= 0) close(fd_);
}

TempDir::TempDir(const fs::path& parent, const std::string& prefix) {
  std::string templ = (parent / (prefix + "XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) throw Error(DescribeIoError("create a directory in", parent, errno));
  path_ = templ;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace livecheck
