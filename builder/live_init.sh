#!/bin/sh
# livecheck live initramfs /init (busybox sh).
#
# Finds the live medium, mounts the squashfs root read-only (or copies it to
# RAM first, "toram", so the medium can be removed), puts a tmpfs read-write
# layer over it with a union file system, and switch_roots into the union.
# Each phase prints one line "@@livecheck phase=NAME t=UPTIME" on the console
# so a test harness can time it; any failure says what failed and powers off
# instead of hanging.
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

marker() {
  read -r up _ < /proc/uptime
  echo "@@livecheck phase=$1 t=$up${2:+ $2}" > /dev/console
}

fail() {
  echo "livecheck-init: FAILED: $*" > /dev/console
  marker failed
  sync
  poweroff -f
  # poweroff -f does not return; if it ever does, do not let PID 1 exit.
  while :; do sleep 3600; done
}

marker init
. /etc/livecheck/live.conf

# Boot-time choices on the kernel command line override the build's defaults.
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    live.toram=*) LIVE_TORAM="${arg#*=}" ;;
    toram) LIVE_TORAM=1 ;;
    live.union=*) LIVE_UNION="${arg#*=}" ;;
    live.label=*) LIVE_LABEL="${arg#*=}" ;;
    live.uuid=*) LIVE_UUID="${arg#*=}" ;;
    live.id=*) LIVE_MEDIUM_ID="${arg#*=}" ;;
    live.wait=*) LIVE_MEDIUM_WAIT="${arg#*=}" ;;
    live.init=*) LIVE_INIT="${arg#*=}" ;;
  esac
done
case "$LIVE_TORAM" in 1|yes|true) LIVE_TORAM=1 ;; *) LIVE_TORAM=0 ;; esac

# Loads the modules of one group, in the order the builder resolved from
# modules.dep. Returns 1 when the image has no such group. No subshells:
# every fork costs under emulation. async_probe (a parameter the kernel
# itself takes for any module): without it each insmod waits for every
# probe still running, e.g. AHCI's six empty SATA links (~0.4 s under TCG);
# the medium is polled for below, and the disks are left alone anyway.
load_group() {
  group_found=1
  while read -r group optional path params; do
    [ "$group" = "$1" ] || continue
    group_found=0
    name=${path##*/}
    name=${name%%.ko*}
    name=${name//-/_}
    [ -d "/sys/module/$name" ] && continue
    if ! insmod "/lib/modules/$LIVE_KVER/$path" $params async_probe; then
      [ "$optional" = 1 ] || fail "cannot load kernel module $path"
    fi
  done < /etc/livecheck/modules
  return $group_found
}

# The PCI functions of this machine, as " class=010601 vendor=8086 ...".
pci_functions=""
for fn in /sys/bus/pci/devices/*; do
  [ -r "$fn/class" ] || continue
  read -r class < "$fn/class"
  read -r vendor < "$fn/vendor"
  pci_functions="$pci_functions class=${class#0x} vendor=${vendor#0x}"
done

# This CPU's feature flags, as " fpu vme ... ".
cpu_flags=" "
while read -r key rest; do
  case "$key" in flags) cpu_flags=" ${rest#*:} " ; break ;; esac
done < /proc/cpuinfo

# The groups in the builder's order (the medium's controllers first: a USB
# stick enumerates, ~0.5 s of port debounce and reset timers, while the rest
# loads). A controller's drivers load only when the machine has that
# controller, and a CPU-specific module only on a CPU with that flag, as
# udev's modalias matching would; base always; of the unions, the chosen one.
base_loaded=0
union_loaded=0
seen=" "
while read -r g _; do
  case "$seen" in *" $g "*) continue ;; esac
  seen="$seen$g "
  case "$g" in
    base) load_group base && base_loaded=1 ; continue ;;
    union:*) [ "$g" = "union:$LIVE_UNION" ] && load_group "$g" && union_loaded=1 ; continue ;;
    pci-class:*) have="$pci_functions" want=" class=${g#pci-class:}" ;;
    pci-vendor:*) have="$pci_functions" want=" vendor=${g#pci-vendor:}" ;;
    cpu-flag:*) have="$cpu_flags" want=" ${g#cpu-flag:} " ;;
    *) continue ;;
  esac
  case "$have" in *"$want"*) load_group "$g" ;; esac
done < /etc/livecheck/modules
[ "$base_loaded" = 1 ] || fail "the image lists no base modules"
[ "$union_loaded" = 1 ] || fail "union backend '$LIVE_UNION' is not in this image (it has: $LIVE_UNIONS)"
marker modules-loaded

# Whether device $1's file system carries this build's identity bytes
# (LIVE_MEDIUM_ID: "OFFSET:HEX ..."; any one matching is enough, since a
# FAT16 and a FAT32 keep the volume ID at different offsets). hexdump -v:
# without it, repeated bytes ("00" in a date) print as "*".
has_medium_identity() {
  for want in $LIVE_MEDIUM_ID; do
    hex=${want#*:}
    got=$(hexdump -v -s "${want%%:*}" -n $((${#hex} / 2)) -e '1/1 "%02x"' "$1" 2>/dev/null)
    [ "$got" = "$hex" ] && return 0
  done
  return 1
}

# The medium: a device carrying the label is not enough, since a second
# stick can carry the same label (a decoy; a medium chosen by label alone
# can be hijacked). Once any device shows the label, every block device is
# read for the identity bytes. A function: the decoy control replaces it.
find_medium() {
  if [ -n "$LIVE_UUID" ]; then findfs "UUID=$LIVE_UUID" 2>/dev/null; return; fi
  labelled=$(findfs "LABEL=$LIVE_LABEL" 2>/dev/null) || return 1
  [ -n "$LIVE_MEDIUM_ID" ] || { echo "$labelled"; return 0; }
  for sys in /sys/class/block/*; do
    name=${sys##*/}
    case "$name" in loop*|ram*|zram*) continue ;; esac
    if has_medium_identity "/dev/$name"; then echo "/dev/$name"; return 0; fi
  done
  return 1
}

# Negative-control fixtures that pick the wrong medium replace find_medium here.
if [ -f /etc/livecheck/fault-medium.sh ]; then . /etc/livecheck/fault-medium.sh; fi

# USB sticks enumerate late: poll for the medium, bounded.
if [ -n "$LIVE_UUID" ]; then spec="UUID=$LIVE_UUID"; else spec="LABEL=$LIVE_LABEL"; fi
polls=0
limit=$((LIVE_MEDIUM_WAIT * 20))
while ! dev=$(find_medium); do
  polls=$((polls + 1))
  if [ "$polls" -ge "$limit" ]; then
    fail "live medium $spec not found within $LIVE_MEDIUM_WAIT s (${LIVE_MEDIUM_ID:+identity $LIVE_MEDIUM_ID; }block devices: $(ls /sys/class/block | tr '\n' ' '))"
  fi
  usleep 50000
done
marker medium-found "device=$dev"

mkdir -p /run/live/medium /run/live/lower /run/live/upper /newroot
mount -t "$LIVE_MEDIUM_FS" -o ro "$dev" /run/live/medium || fail "cannot mount $dev read-only as $LIVE_MEDIUM_FS"
squashfs="/run/live/medium$LIVE_SQUASHFS"
[ -f "$squashfs" ] || fail "$LIVE_SQUASHFS is missing on $dev"
marker medium-mounted

# The steps below are functions so that negative-control fixtures can
# replace one in fault.sh (e.g. a writable lower layer).
copy_to_ram() {
  mkdir -p /run/live/toram
  mount -t tmpfs -o mode=0700 toram /run/live/toram || fail "cannot mount a tmpfs for the RAM copy"
  cp "$squashfs" /run/live/toram/root.squashfs || fail "cannot copy the squashfs to RAM (memory full?)"
  squashfs=/run/live/toram/root.squashfs
  umount /run/live/medium || fail "cannot release the medium after the RAM copy"
}

mount_lower() {
  mount -t squashfs -o ro,loop "$squashfs" /run/live/lower || fail "cannot mount the squashfs $squashfs"
}

mount_upper() {
  mount -t tmpfs -o mode=0755 upper /run/live/upper || fail "cannot mount the tmpfs upper layer"
}

# Negative-control fixtures inject their fault here; real images have no such file.
if [ -f /etc/livecheck/fault.sh ]; then . /etc/livecheck/fault.sh; fi

if [ "$LIVE_TORAM" = 1 ]; then
  copy_to_ram
  marker toram-done
fi
mount_lower
marker lower-mounted

mount_upper
mkdir -p /run/live/upper/data /run/live/upper/work
case "$LIVE_UNION" in
  overlay)
    mount -t overlay -o lowerdir=/run/live/lower,upperdir=/run/live/upper/data,workdir=/run/live/upper/work overlay /newroot ;;
  unionfs-fuse)
    unionfs -o cow,allow_other,suid,dev,use_ino /run/live/upper/data=RW:/run/live/lower=RO /newroot ;;
  fuse-overlayfs)
    fuse-overlayfs -o lowerdir=/run/live/lower,upperdir=/run/live/upper/data,workdir=/run/live/upper/work,allow_other /newroot ;;
  aufs)
    mount -t aufs -o br=/run/live/upper/data=rw:/run/live/lower=ro aufs /newroot ;;
  *)
    false ;;
esac || fail "cannot mount the $LIVE_UNION union"
marker union-mounted "union=$LIVE_UNION"

# Keep the layers inspectable from the running system under /run/live, on a
# tmpfs /run of its own: systemd and Debian's initscripts mount a tmpfs on
# /run unless one is there already, which would hide the layers.
mkdir -p /newroot/run
mount -t tmpfs -o mode=0755,nosuid,nodev run /newroot/run || fail "cannot mount /run in the new root"
# unionfs-fuse finds its branches by path, so its layers are bound, not moved.
keep_mount() {
  mkdir -p "/newroot/run/live/$1" || fail "cannot create /run/live/$1 in the union"
  if [ "$LIVE_UNION" = unionfs-fuse ]; then
    mount --bind "/run/live/$1" "/newroot/run/live/$1"
  else
    mount --move "/run/live/$1" "/newroot/run/live/$1"
  fi || fail "cannot keep /run/live/$1 under the new root"
}
keep_mount lower
keep_mount upper
if [ "$LIVE_TORAM" = 1 ]; then keep_mount toram; else keep_mount medium; fi
# Fresh instances for the new root: the initramfs's own /proc must stay where
# it is, because FUSE daemons (fuse-overlayfs) work through /proc/self/fd.
mkdir -p /newroot/dev /newroot/proc /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev || fail "cannot mount /dev in the new root"
mount -t proc proc /newroot/proc || fail "cannot mount /proc in the new root"
mount -t sysfs sysfs /newroot/sys || fail "cannot mount /sys in the new root"

# The guest agent starts here for every root, livecheck's own and a user's
# tree with any init, from a private tmpfs that stays attached to this
# initramfs: it outlives switch_root, the medium being pulled, and the
# initramfs being emptied. It follows PID 1 into the new root and answers
# the host once that system has settled.
start_agent() {
  [ -x /livecheck/livecheck-agent ] && [ -e /dev/ttyS1 ] || return 0
  # Booted with an agent of livecheck's own appended (run --image --guest agent): one is enough.
  [ -d /.livecheck ] && return 0
  mkdir -p /run/livecheck-agent
  mount -t tmpfs -o mode=0700,size=32m livecheck-agent /run/livecheck-agent || fail "cannot mount a tmpfs for the agent"
  cp /livecheck/livecheck-agent /run/livecheck-agent/ || fail "cannot copy the agent to RAM"
  rm /livecheck/livecheck-agent
  mark_flag=""
  [ "$LIVE_ROOT_MARKS" = 1 ] || mark_flag=--mark-root-ready
  /run/livecheck-agent/livecheck-agent --port /dev/ttyS1 --follow-init --settle "$LIVE_AGENT_SETTLE" $mark_flag &
  marker agent-started
}
start_agent

marker switch-root
exec switch_root /newroot "${LIVE_INIT:-/sbin/init}"
