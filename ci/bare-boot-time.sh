#!/usr/bin/env bash
# Measures a bare QEMU boot (no livecheck) of a built variant to the moment
# its console shows a marker, to compare with the harness's own timings.
#   ci/bare-boot-time.sh out/images/direct-overlay-xz [agent-started] [repeats]
# Prints one wall time (seconds) per boot. Same machine options as the
# harness; ttyS1 goes to null instead of the agent socket, and no QMP.
set -euo pipefail
dir=$1
marker=${2:-agent-started}
repeats=${3:-3}
manifest=$dir/manifest.json
boot=$(sed -n 's/^ *"boot": "\(.*\)",$/\1/p' "$manifest")
cmdline=$(sed -n 's/^ *"kernel_cmdline": "\(.*\)",$/\1/p' "$manifest")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq "$repeats"); do
  qemu-img create -q -f qcow2 -F raw -b "$(realpath "$dir/stick.img")" "$work/stick.qcow2"
  args=(-machine q35,accel=tcg -cpu max -m 1024 -nodefaults -display none -no-reboot -nic none
        -serial "file:$work/console.log" -serial null
        -device qemu-xhci,id=xhci -drive "if=none,id=stick,format=qcow2,file=$work/stick.qcow2")
  case $boot in
    direct) args+=(-kernel "$dir/vmlinuz" -initrd "$dir/initrd.img" -append "$cmdline"
                   -device usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=on) ;;
    usb-bios) args+=(-device usb-storage,bus=xhci.0,drive=stick,id=stickdev,removable=on,bootindex=0) ;;
    *) echo "unsupported boot path $boot" >&2; exit 2 ;;
  esac
  rm -f "$work/console.log"
  start=$(date +%s.%N)
  qemu-system-x86_64 "${args[@]}" &
  pid=$!
  until grep -qa "@@livecheck phase=$marker" "$work/console.log" 2>/dev/null; do sleep 0.02; done
  end=$(date +%s.%N)
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  echo "$end - $start" | bc
done
