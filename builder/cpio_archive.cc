#include "builder/cpio_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <memory>

#include <fmt/format.h>

#include "common/error.h"

namespace livecheck {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

void Check(archive* a, int rc, const fs::path& out) {
  if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN) return;
  throw Error(fmt::format("cannot write {}: {}", out.string(), archive_error_string(a) ? archive_error_string(a) : "libarchive error"));
}

mode_t TypeBits(FileNode::Kind kind) {
  switch (kind) {
    case FileNode::Kind::kDirectory: return AE_IFDIR;
    case FileNode::Kind::kFile: return AE_IFREG;
    case FileNode::Kind::kSymlink: return AE_IFLNK;
    case FileNode::Kind::kCharDevice: return AE_IFCHR;
  }
  return AE_IFREG;
}

}  // namespace

void WriteCpioArchive(const FileTree& tree, const fs::path& out, CpioCompression compression, int64_t epoch) {
  std::unique_ptr<archive, ArchiveDeleter> a(archive_write_new());
  archive_write_set_format_cpio_newc(a.get());
  switch (compression) {
    case CpioCompression::kNone: break;
    case CpioCompression::kGzip:
      archive_write_add_filter_gzip(a.get());
      // gzip headers carry a timestamp by default; reproducible output needs none.
      Check(a.get(), archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr), out);
      break;
    case CpioCompression::kZstd:
      archive_write_add_filter_zstd(a.get());
      break;
  }
  fs::path temp = out;
  temp += fmt::format(".tmp{}", getpid());
  Check(a.get(), archive_write_open_filename(a.get(), temp.c_str()), temp);

  int64_t inode = 1;
  try {
    for (const auto& [path, node] : tree.nodes()) {
      std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
      archive_entry_set_pathname(entry.get(), path.c_str());
      archive_entry_set_filetype(entry.get(), TypeBits(node.kind));
      archive_entry_set_perm(entry.get(), node.mode);
      archive_entry_set_uid(entry.get(), 0);
      archive_entry_set_gid(entry.get(), 0);
      archive_entry_set_mtime(entry.get(), epoch, 0);
      archive_entry_set_ino64(entry.get(), inode++);
      archive_entry_set_nlink(entry.get(), node.kind == FileNode::Kind::kDirectory ? 2 : 1);
      std::string data;
      if (node.kind == FileNode::Kind::kFile) data = NodeContent(node);
      if (node.kind == FileNode::Kind::kSymlink) archive_entry_set_symlink(entry.get(), node.target.c_str());
      if (node.kind == FileNode::Kind::kCharDevice) archive_entry_set_rdev(entry.get(), makedev(node.major, node.minor));
      archive_entry_set_size(entry.get(), static_cast<la_int64_t>(data.size()));
      Check(a.get(), archive_write_header(a.get(), entry.get()), temp);
      if (!data.empty() &&
          archive_write_data(a.get(), data.data(), data.size()) != static_cast<la_ssize_t>(data.size()))
        Check(a.get(), ARCHIVE_FATAL, temp);
    }
    Check(a.get(), archive_write_close(a.get()), temp);
  } catch (...) {
    a.reset();
    unlink(temp.c_str());
    throw;
  }
  if (rename(temp.c_str(), out.c_str()) != 0) {
    unlink(temp.c_str());
    throw Error(fmt::format("cannot rename {} into place", out.string()));
  }
}

}  // namespace livecheck
