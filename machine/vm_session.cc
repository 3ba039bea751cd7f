#include "machine/vm_session.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
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

void VmSession::Start(const std::vector<std::string>& argv, HostPages pages) {
  qemu_ = std::make_unique<QemuProcess>(argv, dir_ / "qemu.log", pages);
}

void VmSession::Kill() {
  if (qemu_) qemu_->Kill();
}

std::vector<VmSession::DiskFile> VmSession::DiskFiles() const {
  std::vector<DiskFile> files;
  for (const auto& disk : disks_) {
    files.push_back({disk.drive, disk.image, false});
    if (!disk.overlay.empty()) files.push_back({disk.drive, disk.overlay, true});
  }
  return files;
}

}  // namespace livecheck
