#include "builder/file_tree.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"

namespace livecheck {

void FileTree::AddParents(const std::string& path) {
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    auto parent = path.substr(0, slash);
    nodes_.try_emplace(parent, FileNode{});
  }
}

void FileTree::AddDirectory(const std::string& path, uint32_t mode) {
  AddParents(path);
  nodes_[path] = FileNode{.kind = FileNode::Kind::kDirectory, .mode = mode};
}

void FileTree::AddFile(const std::string& path, const fs::path& source, uint32_t mode) {
  AddParents(path);
  nodes_[path] = FileNode{.kind = FileNode::Kind::kFile, .mode = mode, .source = source};
}

void FileTree::AddText(const std::string& path, const std::string& content, uint32_t mode) {
  AddParents(path);
  nodes_[path] = FileNode{.kind = FileNode::Kind::kFile, .mode = mode, .content = content};
}

void FileTree::AddSymlink(const std::string& path, const std::string& target) {
  AddParents(path);
  nodes_[path] = FileNode{.kind = FileNode::Kind::kSymlink, .mode = 0777, .target = target};
}

void FileTree::AddCharDevice(const std::string& path, uint32_t major, uint32_t minor, uint32_t mode) {
  AddParents(path);
  nodes_[path] = FileNode{.kind = FileNode::Kind::kCharDevice, .mode = mode, .major = major, .minor = minor};
}

std::string NodeContent(const FileNode& node) {
  return node.source.empty() ? node.content : ReadFile(node.source);
}

std::string RelativeLink(const std::string& link_path, const std::string& target_path) {
  auto link_dir = fs::path(link_path).parent_path();
  return fs::path(target_path).lexically_relative(link_dir.empty() ? "." : link_dir).string();
}

void MaterializeTree(const FileTree& tree, const fs::path& dir, int64_t epoch) {
  // std::map orders parents before children.
  for (const auto& [path, node] : tree.nodes()) {
    fs::path out = dir / path;
    std::error_code ec;
    switch (node.kind) {
      case FileNode::Kind::kDirectory:
        fs::create_directory(out, ec);
        if (ec) throw Error(DescribeIoError("create directory", out, ec.value()));
        fs::permissions(out, static_cast<fs::perms>(node.mode), ec);
        break;
      case FileNode::Kind::kFile:
        if (node.source.empty()) WriteFileAtomic(out, node.content, static_cast<int>(node.mode));
        else ReplaceWithCopy(node.source, out);
        fs::permissions(out, static_cast<fs::perms>(node.mode), ec);
        if (ec) throw Error(DescribeIoError("set the mode of", out, ec.value()));
        break;
      case FileNode::Kind::kSymlink:
        fs::create_symlink(node.target, out, ec);
        if (ec) throw Error(DescribeIoError("create symlink", out, ec.value()));
        break;
      case FileNode::Kind::kCharDevice:
        break;
    }
  }
  ClampTreeMtimes(dir, epoch);
}

}  // namespace livecheck
