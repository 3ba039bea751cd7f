#include "machine/medium_files.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "machine/external_image.h"

namespace livecheck {
namespace {

std::string Normalized(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  while (!path.empty() && path[0] == '/') path.erase(0, 1);
  std::transform(path.begin(), path.end(), path.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return path;
}

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

// Finds `path` in the ISO and hands its data to `sink` in blocks; false when absent.
template <typename Sink>
bool ReadIsoFile(const fs::path& iso, const std::string& path, Sink&& sink) {
  ArchivePtr a(archive_read_new(), archive_read_free);
  archive_read_support_format_iso9660(a.get());
  if (archive_read_open_filename(a.get(), iso.c_str(), 1 << 16) != ARCHIVE_OK)
    throw Error(fmt::format("{}: cannot read as ISO 9660: {}", iso.string(), archive_error_string(a.get())));
  auto wanted = Normalized(path);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    if (Normalized(archive_entry_pathname(entry)) != wanted || archive_entry_filetype(entry) != AE_IFREG) continue;
    char buffer[1 << 16];
    for (la_ssize_t n; (n = archive_read_data(a.get(), buffer, sizeof buffer)) > 0;)
      if (!sink(buffer, static_cast<size_t>(n))) break;
    return true;
  }
  return false;
}

// The byte offset of the first partition mtools reads as FAT.
uint64_t FindFatPartition(const fs::path& image) {
  auto table = RunProcess({.argv = {"sfdisk", "--json", image.string()}, .timeout = std::chrono::seconds(30)});
  std::vector<uint64_t> offsets;
  if (table.exit_code == 0) {
    auto j = nlohmann::json::parse(table.out, nullptr, false);
    uint64_t sector = 512;
    if (j.is_object() && j.contains("partitiontable")) {
      sector = j["partitiontable"].value("sectorsize", 512);
      for (const auto& p : j["partitiontable"].value("partitions", nlohmann::json::array()))
        offsets.push_back(p.value("start", uint64_t{0}) * sector);
    }
  }
  offsets.push_back(0);  // a "superfloppy": FAT without a partition table
  for (uint64_t offset : offsets) {
    auto probe = RunProcess({.argv = {"mdir", "-b", "-i", fmt::format("{}@@{}", image.string(), offset), "::/"},
                             .extra_env = {{"MTOOLS_SKIP_CHECK", "1"}},
                             .timeout = std::chrono::seconds(30)});
    if (probe.exit_code == 0) return offset;
  }
  throw Error(fmt::format("{}: no FAT partition with a bootloader configuration (mtools could read none)",
                          image.string()));
}

}  // namespace

MediumFiles::MediumFiles(const fs::path& image) : image_(image) {
  iso_ = DetectImageKind(image) == ImageKind::kIso;
  if (!iso_) fat_offset_ = FindFatPartition(image);
}

std::optional<std::string> MediumFiles::Read(const std::string& path, size_t max_bytes) const {
  if (iso_) {
    std::string data;
    bool found = ReadIsoFile(image_, path, [&](const char* p, size_t n) {
      data.append(p, std::min(n, max_bytes - data.size()));
      return data.size() < max_bytes;
    });
    if (!found) return std::nullopt;
    return data;
  }
  TempDir scratch(fs::temp_directory_path(), "livecheck-medium-");
  auto out = scratch.path() / "file";
  if (!Extract(path, out)) return std::nullopt;
  auto data = ReadFile(out);
  if (data.size() > max_bytes) data.resize(max_bytes);
  return data;
}

bool MediumFiles::Extract(const std::string& path, const fs::path& out) const {
  if (iso_) {
    std::ofstream o(out, std::ios::binary | std::ios::trunc);
    bool found = ReadIsoFile(image_, path, [&](const char* p, size_t n) {
      o.write(p, static_cast<std::streamsize>(n));
      return static_cast<bool>(o);
    });
    if (found && !o.flush()) throw Error(fmt::format("{}: cannot write", out.string()));
    if (!found) {
      o.close();
      fs::remove(out);
    }
    return found;
  }
  // mcopy reads the image; it opens it for writing only for commands that write.
  auto r = RunProcess({.argv = {"mcopy", "-n", "-i", fmt::format("{}@@{}", image_.string(), fat_offset_),
                                "::" + (path.empty() || path[0] != '/' ? "/" + path : path), out.string()},
                       .extra_env = {{"MTOOLS_SKIP_CHECK", "1"}},
                       .timeout = std::chrono::minutes(2)});
  return r.exit_code == 0 && fs::exists(out);
}

ExtractedBoot ExtractDefaultBoot(const fs::path& image, const fs::path& dir) {
  MediumFiles medium(image);
  ReadMediumFile read = [&](const std::string& path) { return medium.Read(path); };
  std::vector<std::string> tried;
  std::optional<BootEntry> entry;
  std::string first_error;
  for (const char* cfg : {"/isolinux/isolinux.cfg", "/boot/isolinux/isolinux.cfg", "/isolinux.cfg",
                          "/syslinux/syslinux.cfg", "/boot/syslinux/syslinux.cfg", "/syslinux.cfg"}) {
    if (!medium.Read(cfg, 1)) continue;
    std::string error;
    entry = ParseSyslinuxConfig(cfg, read, error);
    if (entry) break;
    if (first_error.empty()) first_error = error;
  }
  for (const char* cfg : {"/boot/grub/grub.cfg", "/EFI/BOOT/grub.cfg", "/boot/grub2/grub.cfg"}) {
    if (entry) break;
    auto text = medium.Read(cfg);
    if (!text) continue;
    std::string error;
    entry = ParseGrubConfig(cfg, *text, error);
    if (!entry && first_error.empty()) first_error = error;
  }
  if (!entry)
    throw Error(fmt::format("{}: no default boot entry found ({})", image.string(),
                            first_error.empty() ? "no isolinux.cfg, syslinux.cfg or grub.cfg" : first_error));
  ExtractedBoot boot{.kernel = dir / "vmlinuz", .initrd = dir / "initrd.img", .append = entry->append,
                     .source = entry->source};
  if (!medium.Extract(entry->kernel, boot.kernel))
    throw Error(fmt::format("{}: {} names kernel {}, which is not on the medium", image.string(), entry->source,
                            entry->kernel));
  std::ofstream initrd(boot.initrd, std::ios::binary | std::ios::trunc);
  for (const auto& path : entry->initrds) {
    auto part = dir / "initrd.part";
    if (!medium.Extract(path, part))
      throw Error(fmt::format("{}: {} names initrd {}, which is not on the medium", image.string(), entry->source, path));
    std::ifstream in(part, std::ios::binary);
    initrd << in.rdbuf();
    fs::remove(part);
  }
  if (!initrd.flush()) throw Error(fmt::format("{}: cannot write", boot.initrd.string()));
  // The console is how livecheck sees the boot (markers, panics, timing).
  if (boot.append.find("console=") == std::string::npos) boot.append += " console=ttyS0,115200";
  return boot;
}

}  // namespace livecheck
