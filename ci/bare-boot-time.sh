#!/usr/bin/env bash
# Measures a bare QEMU boot (no livecheck) of a built variant to the moment
# its console shows a marker, to compare with the harness's own timings.
#   ci/bare-boot-time.sh out/images/direct-overlay-xz [agent-started] [repeats]
# Prints one wall time (seconds from QEMU's start) per boot. A direct variant
# is booted both ways, interleaved (bzimage, pvh, bzimage, ...): -kernel
# vmlinuz, and -kernel vmlinux through PVH when the variant has it; the last
# lines give each entry's median and their ratio. Same machine options as
# the harness; ttyS1 goes to null instead of the agent socket, and no QMP.
set -euo pipefail
dir=$1
marker=${2:-agent-started}
repeats=${3:-3}
manifest=$dir/manifest.json
boot=$(sed -n 's/^ *"boot": "\(.*\)",$/\1/p' "$manifest")
cmdline=$(sed -n 's/^ *"kernel_cmdline": "\(.*\)",$/\1/p' "$manifest")
work=$(mktemp -d)
qemu=
cleanup() { [ -n "$qemu" ] && kill -9 "$qemu" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
entries=(bootloader)
if [ "$boot" = direct ]; then
  entries=(bzimage)
  [ -f "$dir/vmlinux" ] && entries+=(pvh)
fi

boot_once() {
  local entry=$1
  qemu-img create -q -f qcow2 -F raw -b "$(realpath "$dir/stick.img")" "$work/stick.qcow2"
  local args=(-machine q35,accel=tcg -cpu qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt -m 1024 -nodefaults -display none -no-reboot -nic none
              -serial "file:$work/console.log" -serial null
              -device qemu-xhci,id=xhci -drive "if=none,id=stick,format=qcow2,file=$work/stick.qcow2")
  case $entry in
    bzimage) args+=(-kernel "$dir/vmlinuz" -initrd "$dir/initrd.img" -append "$cmdline"
                    -device usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=on) ;;
    pvh) args+=(-kernel "$dir/vmlinux" -initrd "$dir/initrd.img" -append "$cmdline"
                -device usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=on) ;;
    bootloader)
      [ "$boot" = usb-bios ] || { echo "unsupported boot path $boot" >&2; exit 2; }
      args+=(-device usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=on,bootindex=0) ;;
  esac
  rm -f "$work/console.log"
  local start end
  start=$(date +%s.%N)
  qemu-system-x86_64 "${args[@]}" &
  qemu=$!
  until grep -qa "@@livecheck phase=$marker" "$work/console.log" 2>/dev/null; do sleep 0.02; done
  end=$(date +%s.%N)
  kill -9 "$qemu"; wait "$qemu" 2>/dev/null || true
  qemu=
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for i in $(seq "$repeats"); do
  for entry in "${entries[@]}"; do
    t=$(boot_once "$entry")
    echo "$entry $t"
    echo "$t" >> "$work/$entry.times"
  done
done
for entry in "${entries[@]}"; do echo "median $entry $(median < "$work/$entry.times")"; done
if [ "${#entries[@]}" -eq 2 ]; then
  awk -v b="$(median < "$work/bzimage.times")" -v p="$(median < "$work/pvh.times")" \
    'BEGIN { printf "ratio pvh/bzimage %.2f\n", p / b }'
fi
