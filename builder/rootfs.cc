#include "builder/rootfs.h"

#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "builder/embedded_scripts.h"
#include "builder/library_closure.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "common/sha256.h"

namespace livecheck {
namespace {

std::string Relative(const fs::path& absolute) { return absolute.relative_path().string(); }

}  // namespace

fs::path BusyboxPath() {
  for (const char* candidate : {"/bin/busybox", "/usr/bin/busybox"})
    if (fs::exists(candidate)) return candidate;
  throw Error("busybox not found (apt-get install busybox-static)");
}

void AddBusybox(FileTree& tree, const fs::path& busybox) {
  if (!LibraryClosure(busybox).empty())
    throw Error(fmt::format("{} is not statically linked (apt-get install busybox-static)", busybox.string()));
  tree.AddFile("bin/busybox", busybox, 0755);
  auto applets = RunChecked({.argv = {busybox.string(), "--list-full"}}).out;
  size_t start = 0;
  while (start < applets.size()) {
    auto end = applets.find('\n', start);
    if (end == std::string::npos) end = applets.size();
    std::string path = applets.substr(start, end - start);
    start = end + 1;
    if (path.empty() || path == "bin/busybox") continue;
    // Relative links: an absolute one would point at the host's busybox
    // whenever the staging tree is inspected or copied on the host.
    tree.AddSymlink(path, RelativeLink(path, "bin/busybox"));
  }
}

void AddBinaryWithLibraries(FileTree& tree, const fs::path& binary) {
  std::error_code ec;
  if (!fs::is_regular_file(binary, ec)) throw Error(fmt::format("{} is not installed", binary.string()));
  tree.AddFile(Relative(binary), binary, 0755);
  for (const auto& lib : LibraryClosure(binary)) {
    // Store the real file at the path the loader asks for (symlinks resolved).
    tree.AddFile(Relative(lib), fs::canonical(lib), 0755);
  }
}

FileTree BuiltinRootfsTree(const fs::path& busybox) {
  FileTree tree;
  AddBusybox(tree, busybox);
  tree.AddText("sbin/init", kRootfsInitScript, 0755);
  for (const char* dir : {"dev", "proc", "sys", "run", "tmp", "root", "mnt", "home"}) tree.AddDirectory(dir);
  tree.AddDirectory("tmp", 01777);
  tree.AddDirectory("root", 0700);
  tree.AddText("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  tree.AddText("etc/group", "root:x:0:\n");
  tree.AddText("etc/hostname", "livecheck\n");
  tree.AddText("etc/os-release", "NAME=\"livecheck minimal\"\nID=livecheck\n");
  tree.AddText("etc/profile", "export PATH=/sbin:/bin:/usr/sbin:/usr/bin\nexport PS1='livecheck# '\n");
  return tree;
}

std::vector<RootfsEntry> ListRootfs(const fs::path& root, const ExcludeList& exclude,
                                    std::vector<fs::path>* excluded) {
  std::vector<RootfsEntry> entries;
  auto walk = [&](auto&& self, const fs::path& dir, const std::string& rel_dir) -> void {
    std::vector<fs::path> children;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) children.push_back(entry.path());
    if (ec) throw Error(DescribeIoError("list", dir, ec.value()));
    std::sort(children.begin(), children.end());
    for (const auto& child : children) {
      std::string rel = rel_dir.empty() ? child.filename().string() : rel_dir + "/" + child.filename().string();
      if (exclude.Excludes(rel)) {
        if (excluded) excluded->push_back(child);
        continue;
      }
      struct stat st;
      if (lstat(child.c_str(), &st) != 0) throw Error(DescribeIoError("stat", child, errno));
      RootfsEntry e{.path = "/" + rel, .mode = st.st_mode & 07777u};
      if (S_ISREG(st.st_mode)) {
        e.type = "file";
        e.size = static_cast<uint64_t>(st.st_size);
        e.sha256 = Sha256File(child);
      } else if (S_ISDIR(st.st_mode)) {
        e.type = "dir";
      } else if (S_ISLNK(st.st_mode)) {
        e.type = "symlink";
        e.target = fs::read_symlink(child).string();
      } else {
        e.type = "other";
      }
      entries.push_back(e);
      if (S_ISDIR(st.st_mode)) self(self, child, rel);
    }
  };
  walk(walk, root, "");
  return entries;
}

std::string FingerprintTree(const fs::path& root, const ExcludeList& exclude) {
  Sha256 hasher;
  auto walk = [&](auto&& self, const fs::path& dir, const std::string& rel_dir) -> void {
    std::vector<fs::path> children;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) children.push_back(entry.path());
    if (ec) throw Error(DescribeIoError("list", dir, ec.value()));
    std::sort(children.begin(), children.end());
    for (const auto& child : children) {
      std::string rel = rel_dir.empty() ? child.filename().string() : rel_dir + "/" + child.filename().string();
      if (exclude.Excludes(rel)) continue;
      struct stat st;
      if (lstat(child.c_str(), &st) != 0) throw Error(DescribeIoError("stat", child, errno));
      hasher.UpdateField(fmt::format("{} {} {} {} {}.{} {}:{}", rel, st.st_mode, st.st_size, st.st_ino,
                                     st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_uid, st.st_gid));
      if (S_ISLNK(st.st_mode)) hasher.UpdateField(fs::read_symlink(child).string());
      if (S_ISDIR(st.st_mode)) self(self, child, rel);
    }
  };
  walk(walk, root, "");
  return hasher.HexDigest();
}

}  // namespace livecheck
