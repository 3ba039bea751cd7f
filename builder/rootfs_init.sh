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

while :; do
  setsid cttyhack sh -l
  sleep 1
done
