#!/usr/bin/env bash
# Installs a livecheck .deb with apt into a throwaway Debian 12 chroot (as a
# user's clean machine would get it: only the package and what it declares),
# then runs the installed command there: --version, doctor, and a build of
# one variant from a directory outside any source tree. Needs root and
# Debian's mirror; downloads about 300 MB, so it is not part of every CI run.
#   ci/package-chroot.sh build/release/livecheck_0.1.0_amd64.deb
set -euo pipefail
deb=$(readlink -f "$1")
mirror=${LIVECHECK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# /proc for livecheck's /proc/self/exe: mmdebstrap mounts it for the hooks.
mmdebstrap --quiet --variant=apt \
  --customize-hook="copy-in $deb /tmp" \
  --customize-hook='chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/'"$(basename "$deb")"' linux-image-amd64' \
  --customize-hook='chroot "$1" livecheck --version' \
  --customize-hook='chroot "$1" sh -c "livecheck doctor; echo doctor exit \$?"' \
  --customize-hook='chroot "$1" sh -c "mkdir -p /work && cd /work && livecheck build --variant direct-overlay-xz && ls out/images/direct-overlay-xz"' \
  bookworm "$work/root.tar" "$mirror"
echo "package-chroot: installed and ran in a clean Debian 12 chroot"
