#include "evidence/kernel_made_hazards.h"

#include <fmt/format.h>

#include "common/error.h"
#include "common/file_util.h"
#include "evidence/guestfs_appliance.h"
#include "evidence/internal_disk.h"

namespace livecheck {
namespace {

using L = InternalDiskLayout;
// The disk's first partition, as API calls name it and as scripts find it
// (the kernel's own name varies: see LaunchGuestfs).
constexpr const char* kPartition = "/dev/sda1";
constexpr const char* kScriptPartition = "/dev/disk/guestfs/hazard1";
constexpr const char* kRewritten = "the suspect's data: written just before the power cut\n";

// The first partition's old ext4 is wiped in the image file, before the
// appliance boots: a partition made anew keeps nothing of the last file
// system for blkid to find beside the new one.
Guestfs Launch(const fs::path& disk) {
  WriteIntoImage(disk, L::kExt4Offset, std::string(L::kMiB, '\0'));
  std::string error;
  auto g = LaunchGuestfs({{.path = disk.string(), .label = "hazard"}}, error);
  if (!g) throw Error(fmt::format("cannot make a hazard disk from {}: {}", disk.string(), error));
  // udev makes the label's links once the partition shows.
  RunInAppliance(g.get(), fmt::format("udevadm settle || true; i=0; while [ ! -b {0} ] && [ $i -lt 100 ]; do "
                                      "sleep 0.1; i=$((i + 1)); done; "
                                      "[ -b {0} ] || {{ echo \"no {0} after 10 s: $(ls /dev/sd*)\"; exit 1; }}; "
                                      "udevadm settle || true",
                                      kScriptPartition));
  return g;
}

void Check(guestfs_h* g, int status, const char* what) {
  if (status != 0) throw Error(fmt::format("libguestfs: {}: {}", what, GuestfsLastError(g)));
}

void Write(guestfs_h* g, const char* path, const std::string& content) {
  Check(g, guestfs_write(g, path, content.data(), content.size()), path);
}

// Mounts `device` as the appliance's root (/sysroot) and writes the file
// every internal disk holds.
void MountWithKnownFile(guestfs_h* g, const char* device, const char* options = "") {
  Check(g, guestfs_mount_options(g, options, device, "/"), device);
  Write(g, "/known-file.txt", kKnownFileContent);
}

}  // namespace

void AddXfsDirtyLog(const fs::path& disk) {
  auto g = Launch(disk);
  // mkfs.xfs refuses file systems under 300 MB unless run by fstests; the
  // kernel mounts small ones, and a seized disk's partition may be one.
  RunInAppliance(g.get(), fmt::format("TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -f -L INTERNAL "
                                      "-m uuid=6c697665-6368-6563-6b00-000000000020 {}",
                                      kScriptPartition));
  MountWithKnownFile(g.get(), kPartition);
  Check(g.get(), guestfs_sync(g.get()), "sync");
  Write(g.get(), "/known-file.txt", kRewritten);
  RunInAppliance(g.get(), "xfs_io -c fsync /sysroot/known-file.txt");
  PowerCut(g);
}

void AddBtrfsLogTree(const fs::path& disk) {
  auto g = Launch(disk);
  RunInAppliance(g.get(), fmt::format("mkfs.btrfs -q -f --mixed -L INTERNAL -U 6c697665-6368-6563-6b00-000000000021 {}",
                                      kScriptPartition));
  // No periodic commit may come between the fsync and the power cut.
  MountWithKnownFile(g.get(), kPartition, "commit=300");
  Check(g.get(), guestfs_sync(g.get()), "sync");
  // An fsync of a file changed since the last commit goes to the log tree.
  RunInAppliance(g.get(), fmt::format("printf '%s' '{}' >> /sysroot/known-file.txt && xfs_io -c fsync "
                                      "/sysroot/known-file.txt",
                                      "written just before the power cut"));
  PowerCut(g);
  // The superblock's log_root (at 0x60 of the superblock at 64 KiB).
  auto root = ReadFileFrom(disk, L::kExt4Offset + 0x10000 + 0x60, 8);
  if (root == std::string(8, '\0')) throw Error(fmt::format("btrfs left no log tree to replay in {}", disk.string()));
}

void AddMdraidMember(const fs::path& disk) {
  SetMbrPartitionType(disk, 0, 0xfd);  // Linux raid autodetect
  auto g = Launch(disk);
  RunInAppliance(g.get(), fmt::format("mdadm --create /dev/md0 --run --quiet --level=1 --raid-devices=2 "
                                      "--metadata=1.2 --uuid=6c697665:63686563:6b000000:00000022 "
                                      "--homehost=suspect --name=data {} missing && "
                                      "mkfs.ext4 -q -L INTERNAL -U 6c697665-6368-6563-6b00-000000000023 /dev/md0",
                                      kScriptPartition));
  MountWithKnownFile(g.get(), "/dev/md0");
  Check(g.get(), guestfs_umount_all(g.get()), "umount");
  RunInAppliance(g.get(), "mdadm --stop /dev/md0");
  Check(g.get(), guestfs_shutdown(g.get()), "shutdown");
}

void AddLvmPv(const fs::path& disk) {
  SetMbrPartitionType(disk, 0, 0x8e);  // Linux LVM
  auto g = Launch(disk);
  char* pvs[] = {const_cast<char*>(kPartition), nullptr};
  Check(g.get(), guestfs_pvcreate(g.get(), kPartition), "pvcreate");
  Check(g.get(), guestfs_vgcreate(g.get(), "suspectvg", pvs), "vgcreate");
  Check(g.get(), guestfs_lvcreate(g.get(), "data", "suspectvg", 24), "lvcreate");
  Check(g.get(), guestfs_mkfs_opts(g.get(), "ext4", "/dev/suspectvg/data", GUESTFS_MKFS_OPTS_LABEL, "INTERNAL", -1),
        "mkfs");
  MountWithKnownFile(g.get(), "/dev/suspectvg/data");
  Check(g.get(), guestfs_umount_all(g.get()), "umount");
  char* vgs[] = {const_cast<char*>("suspectvg"), nullptr};
  Check(g.get(), guestfs_vg_activate(g.get(), 0, vgs), "vgchange -an");
  Check(g.get(), guestfs_shutdown(g.get()), "shutdown");
}

}  // namespace livecheck
