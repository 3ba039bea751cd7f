#!/usr/bin/env bash
# The tests whose verdicts depend most on the host's speed, run again while
# every core is kept busy by stress-ng (each guest then runs about 2x
# slower): the negative controls (the good image must PASS boot-timing and
# bad-slow-boot must FAIL it) and the hung/panicked guests. Needs the ci
# build (cmake --build --preset ci). Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
stress-ng --cpu "$(nproc)" --timeout 3600s --quiet &
stress=$!
trap 'kill "$stress" 2>/dev/null; wait "$stress" 2>/dev/null || true' EXIT
sleep 2
ctest --preset ci -j2 -R 'RunTest\.(EachNegativeControlFailsExactlyItsCheck|HungAndPanickedGuestsAreErrorsWithConsoleTail)' "$@"
