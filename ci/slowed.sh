#!/usr/bin/env bash
# The verdicts that depend most on the host's speed, again while stress-ng
# keeps every core busy (each guest then runs about 2x slower): the good
# image must PASS boot-timing and bad-slow-boot must FAIL it, and hung and
# panicked guests are ERRORs for the right reason. Both measure the host
# reference under that load (once, shared by the two). Needs the ci build
# (cmake --build --preset ci). Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
reference=$(mktemp -d)
stress-ng --cpu "$(nproc)" --timeout 3600s --quiet &
stress=$!
trap 'kill "$stress" 2>/dev/null; wait "$stress" 2>/dev/null || true; rm -rf "$reference"' EXIT
sleep 2
LIVECHECK_REFERENCE_DIR=$reference ctest --preset ci -j2 \
  -R 'RunTest\.(BootTimingTellsTheSlowBootFromTheGoodOneUnderLoad|HungAndPanickedGuestsAreErrorsWithConsoleTail)' "$@"
