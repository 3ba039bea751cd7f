#include "harness/vm_session.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/json_fields.h"
#include "common/process.h"
#include "common/sha256.h"

namespace livecheck {

VmSession::VmSession(const fs::path& runtime_parent, bool keep) : keep_(keep) {
  std::string templ = (runtime_parent / "livecheck-vm-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr)
    throw Error(DescribeIoError("create a runtime directory in", runtime_parent, errno), kExitEnvironment);
  dir_ = templ;
}

VmSession::~VmSession() {
  Kill();
  if (!keep_) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

fs::path VmSession::AddOverlay(const std::string& drive, const fs::path& image) {
  auto overlay = dir_ / (drive + ".qcow2");
  RunChecked({.argv = {"qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", fs::absolute(image).string(),
                       overlay.string()}});
  disks_.push_back({drive, image, overlay, Sha256File(image)});
  return overlay;
}

void VmSession::AddReadOnly(const std::string& drive, const fs::path& image) {
  disks_.push_back({drive, image, {}, Sha256File(image)});
}

void VmSession::Start(const std::vector<std::string>& argv) {
  qemu_ = std::make_unique<QemuProcess>(argv, dir_ / "qemu.log");
}

void VmSession::Kill() {
  if (qemu_) qemu_->Kill();
}

int64_t OverlayAllocatedBytes(const fs::path& overlay) {
  auto map = RunChecked({.argv = {"qemu-img", "map", "--output=json", overlay.string()}});
  int64_t bytes = 0;
  for (const auto& extent : nlohmann::json::parse(map.out))
    if (IntField(extent, "depth", 1) == 0 && BoolField(extent, "data", false)) bytes += IntField(extent, "length", 0);
  return bytes;
}

nlohmann::json MergeBlockstats(const nlohmann::json& earlier, const nlohmann::json& later) {
  nlohmann::json merged = later.is_array() ? later : nlohmann::json::array();
  if (!earlier.is_array()) return merged;
  for (const auto& old_entry : earlier) {
    bool present = false;
    for (const auto& e : merged) present = present || StringField(e, "device") == StringField(old_entry, "device");
    if (!present) merged.push_back(old_entry);
  }
  return merged;
}

std::vector<VmSession::DiskFile> VmSession::DiskFiles() const {
  std::vector<DiskFile> files;
  for (const auto& disk : disks_) {
    files.push_back({disk.drive, disk.image, false});
    if (!disk.overlay.empty()) files.push_back({disk.drive, disk.overlay, true});
  }
  return files;
}

std::vector<DiskEvidence> VmSession::CollectDiskEvidence(const nlohmann::json& blockstats) {
  std::vector<DiskEvidence> out;
  for (const auto& disk : disks_) {
    DiskEvidence e{.drive = disk.drive, .image = disk.image.string(), .hash_before = disk.hash_before,
                   .hash_after = Sha256File(disk.image)};
    if (!disk.overlay.empty()) e.overlay_allocated_bytes = OverlayAllocatedBytes(disk.overlay);
    if (blockstats.is_array())
      for (const auto& s : blockstats)
        if (StringField(s, "device") == disk.drive) {
          e.wr_operations = IntField(ObjectField(s, "stats"), "wr_operations", 0);
          e.wr_bytes = IntField(ObjectField(s, "stats"), "wr_bytes", 0);
        }
    out.push_back(e);
  }
  return out;
}

}  // namespace livecheck
