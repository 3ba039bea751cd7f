#pragma once
// libguestfs's appliance: a small VM of the host's own kernel and tools that
// reads and writes disk images without root and without the host's kernel
// mounting anything. livecheck uses it to diff disks after a run and to make
// the hazard disks that need a kernel to make (a mount, an md array, an LVM
// volume group).
#include <guestfs.h>

#include <memory>
#include <string>
#include <vector>

namespace livecheck {

struct GuestfsCloser {
  void operator()(guestfs_h* g) const { guestfs_close(g); }
};
using Guestfs = std::unique_ptr<guestfs_h, GuestfsCloser>;

struct GuestfsDrive {
  std::string path, format = "raw";
  bool readonly = false;  ///< a writable snapshot in the appliance; the file is not written
  std::string label;      ///< the drive's name for scripts (/dev/disk/guestfs/LABEL)
};

/// The appliance launched with `drives`, or null with `error` set. Always
/// under TCG: on machines of this kind KVM may open and then hang guests.
/// API calls name the drives /dev/sda, /dev/sdb, ... in the order added
/// (libguestfs translates), but the appliance's kernel names them in the
/// order their probes end: a script run with RunInAppliance sees its own
/// root disk as /dev/sda in about a third of launches on a busy host, and
/// finds a drive by its label instead, as /dev/disk/guestfs/LABEL and
/// /dev/disk/guestfs/LABELN for partition N.
Guestfs LaunchGuestfs(const std::vector<GuestfsDrive>& drives, std::string& error);

/// libguestfs's last error on `g`.
std::string GuestfsLastError(guestfs_h* g);

/// Takes a NULL-terminated list libguestfs hands out (and frees it).
std::vector<std::string> TakeGuestfsStrings(char** list);

/// Runs `script` with the appliance's /bin/sh (its own tools, on its own
/// disks: for what the API has no call for, such as an fsync of one file)
/// and returns its output; throws Error with the output when it fails.
/// Recipes only: nothing from a guest or a user goes into a script.
std::string RunInAppliance(guestfs_h* g, const std::string& script);

/// Kills the appliance's QEMU at once, as a power cut: what its kernel had
/// written stays written, a mounted file system stays mounted, nothing is
/// unmounted or flushed.
void PowerCut(Guestfs& g);

}  // namespace livecheck
