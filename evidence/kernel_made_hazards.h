#pragma once
// The hazard disks that take a kernel to make: a file system mounted and
// then cut off (an XFS log, a btrfs log tree), an md array member, an LVM
// physical volume. Made in libguestfs's appliance (guestfs_appliance.h), so
// the host's kernel mounts nothing and no root is needed. Each is the
// realistic internal disk (internal_disk.h) with its first partition (the
// ext4 one) replaced; swap and FAT stay as they are.
#include <filesystem>

namespace livecheck {

namespace fs = std::filesystem;

/// xfs-dirty-log: p1 is XFS (label INTERNAL), mounted, /known-file.txt
/// written, synced, rewritten and fsynced, then the power cut: the log holds
/// that transaction and no unmount record, so any mount without norecovery,
/// read-only included, replays it.
void AddXfsDirtyLog(const fs::path& disk);

/// btrfs-log-tree: p1 is btrfs (mixed block groups, as small btrfs are),
/// /known-file.txt appended to and fsynced after the last commit, then the
/// power cut: the superblock points at a log tree, which a mount without
/// rescue=nologreplay replays, read-only included.
void AddBtrfsLogTree(const fs::path& disk);

/// mdraid-member: p1 (type fd) is one member of a two-disk RAID1 (md v1.2
/// metadata, name "suspect:data", the other member missing) holding ext4
/// INTERNAL: initramfs udev rules assemble it (degraded) and write its
/// superblock's event count.
void AddMdraidMember(const fs::path& disk);

/// lvm-pv: p1 (type 8e) is an LVM physical volume of the volume group
/// "suspectvg" with one logical volume "data" holding ext4 INTERNAL:
/// initramfs udev rules activate it. LVM's UUIDs are random.
void AddLvmPv(const fs::path& disk);

}  // namespace livecheck
