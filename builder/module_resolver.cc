#include "builder/module_resolver.h"
#include "common/text_lines.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"

namespace livecheck {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}


}  // namespace

std::string NormalizeModuleName(std::string_view name) {
  std::string out(name);
  for (char& c : out)
    if (c == '-') c = '_';
  return out;
}

std::string ModuleNameFromPath(std::string_view path) {
  auto slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  auto ko = path.find(".ko");
  if (ko != std::string_view::npos) path = path.substr(0, ko);
  return NormalizeModuleName(path);
}

ModuleIndex ParseModuleIndex(std::string_view modules_dep, std::string_view modules_builtin,
                             const std::string& kernel_version) {
  ModuleIndex index;
  index.kernel_version = kernel_version;
  for (auto line : SplitLines(modules_dep)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string path(Trim(line.substr(0, colon)));
    if (path.empty()) continue;
    std::vector<std::string> deps;
    auto rest = line.substr(colon + 1);
    size_t pos = 0;
    while (pos < rest.size()) {
      while (pos < rest.size() && rest[pos] == ' ') ++pos;
      auto end = rest.find(' ', pos);
      if (end == std::string_view::npos) end = rest.size();
      auto dep = Trim(rest.substr(pos, end - pos));
      if (!dep.empty()) deps.emplace_back(dep);
      pos = end;
    }
    index.path_by_name[ModuleNameFromPath(path)] = path;
    index.deps_by_path[path] = std::move(deps);
  }
  for (auto line : SplitLines(modules_builtin)) {
    auto path = Trim(line);
    if (!path.empty()) index.builtin.insert(ModuleNameFromPath(path));
  }
  return index;
}

ModuleIndex LoadModuleIndex(const fs::path& modules_dir) {
  std::error_code ec;
  if (!fs::is_directory(modules_dir, ec))
    throw Error(fmt::format("kernel modules directory {} does not exist", modules_dir.string()));
  auto dep_file = modules_dir / "modules.dep";
  if (!fs::is_regular_file(dep_file, ec))
    throw Error(fmt::format("{} is missing (run depmod for that kernel)", dep_file.string()));
  std::string builtin;
  if (fs::is_regular_file(modules_dir / "modules.builtin", ec)) builtin = ReadFile(modules_dir / "modules.builtin");
  return ParseModuleIndex(ReadFile(dep_file), builtin, modules_dir.filename().string());
}

bool KernelHasModule(const ModuleIndex& index, std::string_view name) {
  auto n = NormalizeModuleName(name);
  return index.builtin.count(n) != 0 || index.path_by_name.count(n) != 0;
}

std::vector<ModuleLoad> ResolveModules(const ModuleIndex& index, const std::vector<std::string>& wanted,
                                       const std::map<std::string, std::string>& params) {
  std::vector<ModuleLoad> order;
  std::set<std::string> placed;
  // modules.dep lists each module's full (transitive) dependency set, so a
  // depth-first walk that places dependencies first yields a valid load order.
  auto place = [&](auto&& self, const std::string& path, bool optional) -> void {
    if (placed.count(path) != 0) return;
    placed.insert(path);
    auto deps = index.deps_by_path.find(path);
    if (deps != index.deps_by_path.end())
      for (const auto& dep : deps->second) self(self, dep, false);
    auto name = ModuleNameFromPath(path);
    auto param = params.find(name);
    order.push_back({name, path, param == params.end() ? "" : param->second, optional});
  };
  for (const auto& raw : wanted) {
    bool optional = !raw.empty() && raw.back() == '?';
    auto name = NormalizeModuleName(optional ? raw.substr(0, raw.size() - 1) : raw);
    if (index.builtin.count(name) != 0) continue;
    auto it = index.path_by_name.find(name);
    if (it == index.path_by_name.end()) {
      if (optional) continue;
      throw Error(fmt::format("kernel module '{}' is neither in modules.dep nor built into kernel {}", name,
                              index.kernel_version));
    }
    place(place, it->second, optional);
  }
  return order;
}

}  // namespace livecheck
