#!/usr/bin/env bash
# Starts a local libvirtd (and virtlogd) when none runs: what the libvirt
# backend's tests need on a fresh Debian 12 machine without systemd services.
set -euo pipefail
if virsh -c qemu:///system version > /dev/null 2>&1; then exit 0; fi
mkdir -p /var/log/libvirt /var/run/libvirt
pgrep -x virtlogd > /dev/null || virtlogd -d
pgrep -x libvirtd > /dev/null || libvirtd -d
for _ in $(seq 50); do
  virsh -c qemu:///system version > /dev/null 2>&1 && exit 0
  sleep 0.2
done
echo "libvirt-up: libvirtd did not answer on qemu:///system" >&2
exit 1
