#!/usr/bin/env bash
# Installs everything livecheck needs on Debian 12 (idempotent; quick when all is there).
# Runs apt as root, through sudo when needed.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config git libxml2-utils e2fsprogs cppcheck clang libclang-rt-14-dev lld ccache
  libfmt-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libarchive-dev libssl-dev
  libgtest-dev libgmock-dev
  # reading disks after a run (what leaked): libguestfs's C API
  libguestfs-dev
  # --backend libvirt, and a local libvirtd for its tests
  libvirt-dev libvirt-daemon-system
  # Asio with as_tuple and awaitable operators; conflicts with the default libboost-dev (1.74)
  libboost1.81-dev
  # image building
  squashfs-tools mtools dosfstools fdisk cpio zstd kmod
  syslinux syslinux-common isolinux xorriso grub-efi-amd64-bin grub-common
  busybox-static unionfs-fuse fuse-overlayfs
  # the hostile machine's disks (evidence/hazard_disk.cc)
  cryptsetup-bin ntfs-3g
  # ... those made in libguestfs's appliance (LVM, md, XFS, btrfs), and the tools that read them back
  lvm2 mdadm btrfs-progs xfsprogs libguestfs-xfs
  # the guest kernel (the host's Debian kernel, also what libguestfs needs)
  linux-image-amd64
  # report rendering test
  chromium
  # a busy host for the slowed test stage (verdicts must not depend on speed)
  stress-ng
  # running guests
  qemu-system-x86 qemu-utils ovmf
  # the third-party fixture (Debian live-boot, fixtures/third-party/)
  mmdebstrap
  # the Debian package (cpack's dpkg-shlibdeps, lintian) and the pipeline templates' YAML check
  dpkg-dev lintian python3-yaml
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confnew "${missing[@]}"
