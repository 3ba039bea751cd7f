#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds livecheck and runs every test: static
# analysis, the fuzz targets (as part of the slowed stage's load), the
# speed-dependent verdicts on a loaded machine, and last the whole test
# suite (unit, image read-back, real QEMU boots, reports), whose ctest
# summary closes the output. One build serves every test: the ci preset
# compiles livecheck and its tests with AddressSanitizer and UBSan, so the
# unit tests and the real-QEMU runs alike fail on any sanitizer report
# (leaks included). It is a unity build at -O0 with line tables only (-g1):
# a third of the compile time of one file per unit at -O1 -g, and
# livecheck's own CPU time is small beside the guests'.
set -euo pipefail
cd "$(dirname "$0")/.."

stage() { echo "== $1 ($(date +%T))"; }
timed() {
  local name=$1; shift
  local start=$SECONDS
  "$@"
  echo "== $name took $((SECONDS - start)) s"
}

stage setup
timed setup bash ci/setup.sh
# Systems nobody here built, from Debian's packages: Debian's live-boot ISO
# and a user's root tree with systemd (each cached by recipe digest; a few
# minutes the first time, mostly waiting on the mirror and dpkg). Built in
# the background while livecheck compiles; the boot tests wait for them.
stage third-party-fixture
fixture_log=$(mktemp)
(
  start=$SECONDS
  rc=0
  bash fixtures/third-party/debian-live.sh || rc=$?
  bash fixtures/third-party/debian-systemd-root.sh || rc=$?
  echo "== third-party-fixture took $((SECONDS - start)) s (in the background)"
  exit "$rc"
) > "$fixture_log" 2>&1 &
fixture_pid=$!
trap 'kill $(pgrep -P "$fixture_pid") "$fixture_pid" 2>/dev/null || true; rm -f "$fixture_log"' EXIT
stage lint
timed lint bash ci/lint.sh
# The fuzz targets of the parsers of untrusted input (QMP/agent lines,
# console markers, TOML files, agent evidence); they run in the slowed stage.
stage fuzz-build
timed fuzz-build bash ci/fuzz.sh build
stage configure
timed configure cmake --preset ci
stage build
timed build cmake --build --preset ci
stage third-party-fixture-wait
fixture_rc=0
wait "$fixture_pid" || fixture_rc=$?
cat "$fixture_log"
rm -f "$fixture_log"
[ "$fixture_rc" -eq 0 ] || { echo "third-party fixture failed (exit $fixture_rc)"; exit 1; }
# The tests that boot images through `livecheck run` share one images
# directory per variants file (see testing::ImagesDir): each variant is
# built once for both stages, not once per test process.
export LIVECHECK_TEST_IMAGES=$(mktemp -d)
trap 'kill $(pgrep -P "$fixture_pid") "$fixture_pid" 2>/dev/null || true; rm -rf "$LIVECHECK_TEST_IMAGES"' EXIT
# Verdicts must not depend on the host's speed: boot-timing on the good and
# the slow-booting image, and the hung/panicked guests, while stress-ng
# keeps every core busy.
# The fuzzers are one core of that load: 10 s each (`bash ci/fuzz.sh`
# alone defaults to 60 s), while the other core runs stress-ng. Seven
# targets then take about as long as the stage's two tests (~80 s here),
# so the stage waits on neither.
stage slowed
SLOWED_FUZZ_SECONDS=${FUZZ_SECONDS:-10} timed slowed bash ci/slowed.sh
# One host reference for the whole stage, measured by the first run that
# needs it while the others wait (every test's own images directory would
# otherwise boot its own calibration VMs). The slowed stage ran the test
# that only makes sense under stress, and the hung/panicked guests under a
# harder condition than this stage's: they are not run twice.
stage test
export LIVECHECK_REFERENCE_DIR=$(mktemp -d)
trap 'kill $(pgrep -P "$fixture_pid") "$fixture_pid" 2>/dev/null || true; rm -rf "$LIVECHECK_TEST_IMAGES" "$LIVECHECK_REFERENCE_DIR"' EXIT
ctest --preset ci -j2 -E 'UnderLoad$|HungAndPanickedGuestsAreErrorsWithConsoleTail$'

