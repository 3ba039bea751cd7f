#!/bin/sh
# /sbin/init of livecheck's built-in minimal userland (busybox).
# Prints the root-ready marker; live.halt=poweroff powers off right after it
# (quick boot tests), otherwise a shell is kept on the console.
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
[ -e /proc/self ] || mount -t proc proc /proc
[ -d /sys/kernel ] || mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp /run
hostname livecheck

marker() {
  read -r up _ < /proc/uptime
  echo "@@livecheck phase=$1 t=$up${2:+ $2}" > /dev/console
}
marker root-ready

for arg in $(cat /proc/cmdline); do
  case "$arg" in
    live.halt=poweroff) marker poweroff; sync; poweroff -f ;;
  esac
done

# The shell loop of PID 1 runs from RAM, so it outlives the boot medium
# being pulled even when the root still depends on it. The agent, started
# by the initramfs, answers the host once this file exists.
mkdir -p /run/livecheck
mount -t tmpfs -o mode=0700 livecheck /run/livecheck
cp /bin/busybox /run/livecheck/busybox
: > /run/livecheck/settled

bb=/run/livecheck/busybox
exec $bb sh -c "while :; do $bb setsid $bb cttyhack $bb sh -l; $bb sleep 1; done"
