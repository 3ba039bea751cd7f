#include "reports/bundle_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "common/error.h"

namespace livecheck {
namespace {

struct WriterDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ReaderDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

std::string ArchiveError(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "libarchive error";
}

void Check(archive* a, int rc, const fs::path& file) {
  if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN) return;
  throw Error(fmt::format("cannot write {}: {}", file.string(), ArchiveError(a)), kExitEnvironment);
}

// Directories first in sorted order, then their files: any tar lists the
// same tree the same way.
std::vector<fs::path> SortedEntries(const fs::path& dir) {
  std::vector<fs::path> entries;
  for (const auto& e : fs::recursive_directory_iterator(dir)) entries.push_back(fs::relative(e.path(), dir));
  std::sort(entries.begin(), entries.end());
  return entries;
}

void AddEntry(archive* a, const fs::path& dir, const fs::path& relative, const fs::path& tar) {
  auto full = dir / relative;
  std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), relative.generic_string().c_str());
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  archive_entry_set_uname(entry.get(), "root");
  archive_entry_set_gname(entry.get(), "root");
  archive_entry_set_mtime(entry.get(), 0, 0);
  if (fs::is_directory(full)) {
    archive_entry_set_filetype(entry.get(), AE_IFDIR);
    archive_entry_set_perm(entry.get(), 0755);
    Check(a, archive_write_header(a, entry.get()), tar);
    return;
  }
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(fs::file_size(full)));
  Check(a, archive_write_header(a, entry.get()), tar);
  std::ifstream in(full, std::ios::binary);
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    if (archive_write_data(a, buffer.data(), static_cast<size_t>(in.gcount())) < 0)
      throw Error(fmt::format("cannot write {}: {}", tar.string(), ArchiveError(a)), kExitEnvironment);
  }
}

bool SafeName(const std::string& name) {
  if (name.empty() || name.front() == '/') return false;
  for (const auto& part : fs::path(name))
    if (part == "..") return false;
  return true;
}

}  // namespace

bool IsBundleArchive(const fs::path& path) { return path.extension() == ".tar"; }

void PackBundle(const fs::path& dir, const fs::path& tar) {
  if (fs::exists(tar)) throw Error(fmt::format("--evidence {}: already exists (a bundle is never overwritten)", tar.string()));
  fs::path temp = tar;
  temp += fmt::format(".partial-{}", getpid());
  try {
    std::unique_ptr<archive, WriterDeleter> a(archive_write_new());
    archive_write_set_format_pax_restricted(a.get());
    Check(a.get(), archive_write_open_filename(a.get(), temp.c_str()), temp);
    for (const auto& relative : SortedEntries(dir)) AddEntry(a.get(), dir, relative, temp);
    Check(a.get(), archive_write_close(a.get()), temp);
  } catch (...) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw;
  }
  fs::rename(temp, tar);
}

void UnpackBundle(const fs::path& tar, const fs::path& into, int64_t max_bytes) {
  std::unique_ptr<archive, ReaderDeleter> a(archive_read_new());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), tar.c_str(), 1 << 16) != ARCHIVE_OK)
    throw Error(fmt::format("{}: not a tar archive: {}", tar.string(), ArchiveError(a.get())));
  int64_t total = 0;
  archive_entry* entry = nullptr;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    while (name.size() > 1 && name.back() == '/') name.pop_back();
    if (!SafeName(name)) throw Error(fmt::format("{}: entry '{}' is not a relative path inside the bundle", tar.string(), name));
    auto type = archive_entry_filetype(entry);
    auto out = into / name;
    if (type == AE_IFDIR) {
      fs::create_directories(out);
      continue;
    }
    if (type != AE_IFREG) throw Error(fmt::format("{}: entry '{}' is not a regular file or directory", tar.string(), name));
    total += archive_entry_size(entry);
    if (total > max_bytes)
      throw Error(fmt::format("{}: more than {} bytes unpacked; not an evidence bundle", tar.string(), max_bytes));
    fs::create_directories(out.parent_path());
    std::ofstream file(out, std::ios::binary | std::ios::trunc);
    std::vector<char> buffer(1 << 16);
    la_ssize_t n;
    while ((n = archive_read_data(a.get(), buffer.data(), buffer.size())) > 0) file.write(buffer.data(), n);
    if (n < 0) throw Error(fmt::format("{}: entry '{}': {}", tar.string(), name, ArchiveError(a.get())));
    if (!file) throw Error(fmt::format("cannot write {}", out.string()), kExitEnvironment);
  }
  if (rc != ARCHIVE_EOF) throw Error(fmt::format("{}: damaged tar archive: {}", tar.string(), ArchiveError(a.get())));
}

}  // namespace livecheck
