#include "builder/squashfs_image.h"

#include <unistd.h>

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"

namespace livecheck {

std::vector<std::string> MksquashfsCommand(const SquashfsSpec& spec, const fs::path& out,
                                           const fs::path& exclude_file) {
  std::vector<std::string> argv = {"mksquashfs", spec.source_dir.string(), out.string(),
                                   "-noappend", "-no-xattrs", "-quiet", "-no-progress",
                                   "-comp", std::string(Name(spec.compressor)),
                                   "-mkfs-time", std::to_string(spec.epoch)};
  if (spec.clamp_file_times) {
    argv.push_back("-all-time");
    argv.push_back(std::to_string(spec.epoch));
  }
  if (spec.all_root) argv.push_back("-all-root");
  if (!exclude_file.empty()) {
    argv.push_back("-ef");
    argv.push_back(exclude_file.string());
  }
  return argv;
}

void BuildSquashfs(const SquashfsSpec& spec, const fs::path& out) {
  fs::path temp = out;
  temp += fmt::format(".tmp{}", getpid());
  fs::path exclude_file;
  if (!spec.excluded_paths.empty()) {
    // mksquashfs takes absolute exclude paths literally; our ExcludeList
    // already decided which entries go, so mksquashfs only carries it out.
    exclude_file = out;
    exclude_file += ".exclude";
    std::string text;
    for (const auto& p : spec.excluded_paths) text += p.string() + "\n";
    WriteFileAtomic(exclude_file, text);
  }
  try {
    RunChecked({.argv = MksquashfsCommand(spec, temp, exclude_file)});
  } catch (...) {
    fs::remove(temp);
    if (!exclude_file.empty()) fs::remove(exclude_file);
    throw;
  }
  if (!exclude_file.empty()) fs::remove(exclude_file);
  fs::rename(temp, out);
}

}  // namespace livecheck
