#include "builder/rootfs.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <random>

#include <fmt/format.h>

#include "builder/embedded_scripts.h"
#include "builder/library_closure.h"
#include "common/error.h"
#include "common/install_layout.h"
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

fs::path AgentPath() {
  if (const char* env = std::getenv("LIVECHECK_AGENT"); env != nullptr && *env != '\0') {
    if (!fs::is_regular_file(env)) throw Error(fmt::format("$LIVECHECK_AGENT: {} does not exist", env));
    return env;
  }
  auto exe_dir = ExecutableDir();
  auto agent = FindAgentNear(exe_dir);
  if (agent.empty()) {
    std::string tried;
    for (const auto& candidate : AgentCandidates(exe_dir)) tried += (tried.empty() ? "" : " nor ") + candidate.string();
    throw Error(fmt::format("the guest agent is missing: neither {} exists (it is built and installed with "
                            "livecheck; or set $LIVECHECK_AGENT)",
                            tried));
  }
  return agent;
}

std::string BenchData(int megabytes) {
  static const char* words[] = {"live ", "squashfs ", "overlay ", "tmpfs ", "union ", "medium ", "kernel ", "init "};
  std::string data;
  data.reserve(static_cast<size_t>(megabytes) << 20);
  std::mt19937 rng(20151106);
  while (data.size() < (static_cast<size_t>(megabytes) << 20)) {
    size_t block_end = data.size() + 4096;
    while (data.size() < block_end - 2048) data += words[rng() % 8];
    while (data.size() < block_end) data += static_cast<char>(rng() & 0xff);
    data.resize(block_end);
  }
  data.resize(static_cast<size_t>(megabytes) << 20);
  return data;
}

FileTree BuiltinRootfsTree(const fs::path& busybox, int bench_data_mb) {
  FileTree tree;
  if (bench_data_mb > 0) tree.AddText("usr/share/livecheck/bench.bin", BenchData(bench_data_mb), 0644);
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

namespace {

// Visits every entry below `root` in sorted order without following links;
// excluded entries are reported to `on_excluded` and not descended into.
void WalkTree(const fs::path& root, const ExcludeList& exclude,
              const std::function<void(const fs::path&, const std::string&, const struct stat&)>& visit,
              const std::function<void(const fs::path&)>& on_excluded) {
  auto walk = [&](auto&& self, const fs::path& dir, const std::string& rel_dir) -> void {
    std::vector<fs::path> children;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) children.push_back(entry.path());
    if (ec) throw Error(DescribeIoError("list", dir, ec.value()));
    std::sort(children.begin(), children.end());
    for (const auto& child : children) {
      std::string rel = rel_dir.empty() ? child.filename().string() : rel_dir + "/" + child.filename().string();
      if (exclude.Excludes(rel)) {
        if (on_excluded) on_excluded(child);
        continue;
      }
      struct stat st;
      if (lstat(child.c_str(), &st) != 0) throw Error(DescribeIoError("stat", child, errno));
      visit(child, rel, st);
      if (S_ISDIR(st.st_mode)) self(self, child, rel);
    }
  };
  walk(walk, root, "");
}

}  // namespace

std::vector<RootfsEntry> ListRootfs(const fs::path& root, const ExcludeList& exclude,
                                    std::vector<fs::path>* excluded) {
  std::vector<RootfsEntry> entries;
  auto visit = [&](const fs::path& path, const std::string& rel, const struct stat& st) {
    RootfsEntry e{.path = "/" + rel, .mode = st.st_mode & 07777u};
    if (S_ISREG(st.st_mode)) {
      e.type = "file";
      e.size = static_cast<uint64_t>(st.st_size);
      e.sha256 = Sha256File(path);
    } else if (S_ISDIR(st.st_mode)) {
      e.type = "dir";
    } else if (S_ISLNK(st.st_mode)) {
      e.type = "symlink";
      e.target = fs::read_symlink(path).string();
    } else {
      e.type = "other";
    }
    entries.push_back(e);
  };
  WalkTree(root, exclude, visit, [&](const fs::path& p) {
    if (excluded) excluded->push_back(p);
  });
  return entries;
}

std::string FingerprintTree(const fs::path& root, const ExcludeList& exclude) {
  Sha256 hasher;
  auto visit = [&](const fs::path& path, const std::string& rel, const struct stat& st) {
    hasher.UpdateField(fmt::format("{} {} {} {} {}.{} {}:{}", rel, st.st_mode, st.st_size, st.st_ino,
                                   st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_uid, st.st_gid));
    if (S_ISLNK(st.st_mode)) hasher.UpdateField(fs::read_symlink(path).string());
  };
  WalkTree(root, exclude, visit, nullptr);
  return hasher.HexDigest();
}

}  // namespace livecheck
