#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "machine/qemu_process.h"

namespace livecheck {

namespace fs = std::filesystem;

/// The host-side life of one VM: a private runtime directory (0700,
/// unpredictable name) for its sockets, console log and disk overlays; the
/// QEMU process; and the evidence about its disks. The destructor kills
/// QEMU and removes the directory (unless kept), on every path out.
class VmSession {
 public:
  VmSession(const fs::path& runtime_parent, bool keep);
  ~VmSession();
  VmSession(const VmSession&) = delete;
  VmSession& operator=(const VmSession&) = delete;

  const fs::path& dir() const { return dir_; }
  fs::path qmp_socket() const { return dir_ / "qmp.sock"; }
  fs::path agent_socket() const { return dir_ / "agent.sock"; }
  fs::path console_log() const { return dir_ / "console.log"; }
  fs::path console_socket() const { return dir_ / "console.sock"; }

  /// A qcow2 overlay backed by `image`, so the guest can write (and we can
  /// see it) while the user's image is never opened writable. Records the
  /// image's digest before the run.
  fs::path AddOverlay(const std::string& drive, const fs::path& image);
  /// A disk attached read-only as it is (a CD): digests only.
  void AddReadOnly(const std::string& drive, const fs::path& image);

  void Start(const std::vector<std::string>& argv, HostPages pages);
  QemuProcess* qemu() { return qemu_.get(); }
  void Kill();

  /// Every file that holds a disk's bytes: the user's images and our overlays.
  struct DiskFile {
    std::string drive;
    fs::path path;
    bool overlay = false;
  };
  std::vector<DiskFile> DiskFiles() const;

  /// A disk as attached: the user's image, our overlay over it, and the
  /// image's digest before the run.
  struct Disk {
    std::string drive;
    fs::path image;
    fs::path overlay;  ///< empty for read-only attachments
    std::string hash_before;
  };
  const std::vector<Disk>& disks() const { return disks_; }

 private:
  fs::path dir_;
  bool keep_;
  std::vector<Disk> disks_;
  std::unique_ptr<QemuProcess> qemu_;
};

}  // namespace livecheck
