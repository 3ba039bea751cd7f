#pragma once
// The hostile machine's disks: internal disks built by livecheck with a
// named hazard, the state a seized machine's disk may be in that makes a
// careless live system write to it. Each is the realistic internal disk
// (internal_disk.h: the same size and layout, so the guest finds it the same
// way) with the hazard added to it by a recipe, built once per cache.
#include <filesystem>
#include <string>

#include "evidence/hazard_names.h"

namespace livecheck {

namespace fs = std::filesystem;

/// The cached image for `hazard` (one of HazardNames), made on first use.
/// Every one is kInternalDiskBytes long: the guest finds it by its size.
///  - ext4-dirty-journal: the ext4 partition's journal holds one committed
///    transaction that was never checkpointed (debugfs journal_open/
///    journal_write/journal_close, e2fsprogs' own tool for this), and the
///    superblock says needs_recovery, as a machine switched off hard leaves
///    it. The logged block is /known-file.txt's data with "journal
///    replayed!" in place of "must never change": any mount without
///    noload/norecovery, read-only included, replays it and writes the disk.
///  - fat-dirty: the FAT partition's boot sector says it was not unmounted
///    cleanly (the state byte's dirty bit, what fsck.fat -n reports).
///  - swap: an MBR disk that is one swap partition (label SWAP).
///  - swap-hibernated: the swap partition holds a hibernation signature
///    (S1SUSPEND, the original SWAPSPACE2 kept beside it, an image sector):
///    resuming from it would boot the suspect's memory; swapon or mkswap on
///    it destroys the image.
///  - luks: the ext4 partition is a LUKS2 container (fixed UUID, PBKDF2 at
///    1000 iterations so it is quick to make; its salts are random).
///  - esp: GPT; an EFI system partition (FAT, EFI/BOOT/BOOTX64.EFI and the
///    loader/random-seed systemd-boot keeps) and an ext4 data partition.
///  - persistence-decoys: GPT; three ext4 partitions labelled as the
///    persistence stores of live-boot ("persistence", with a
///    persistence.conf of "/ union"), casper ("casper-rw") and Tails (GPT
///    name "TailsData"): a stack booted with its persistence option mounts
///    them read-write.
///  - ntfs-hibernated: the ext4 partition is NTFS (type 07) whose
///    hiberfil.sys says Windows hibernated (fast startup).
///  - xfs-dirty-log, btrfs-log-tree, mdraid-member, lvm-pv: made in
///    libguestfs's appliance (kernel_made_hazards.h says what each holds).
fs::path EnsureHazardDisk(const fs::path& cache_dir, const std::string& hazard);

/// The text /known-file.txt reads after the journal of ext4-dirty-journal
/// was replayed (before: "the suspect's data: must never change\n").
inline constexpr const char* kReplayedKnownFile = "the suspect's data: journal replayed!\n";

}  // namespace livecheck
