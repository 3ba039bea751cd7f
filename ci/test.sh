#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds livecheck and runs every test: static
# analysis, the fuzz targets, and last the whole test suite (unit, image
# read-back, real QEMU boots, reports), whose ctest summary closes the
# output. One build serves every test: the ci preset compiles livecheck and
# its tests with AddressSanitizer and UBSan, so the unit tests and the
# real-QEMU runs alike fail on any sanitizer report (leaks included). It is
# a unity build at -O0 with line tables only (-g1): a third of the compile
# time of one file per unit at -O1 -g, and livecheck's own CPU time is
# small beside the guests'.
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
# Fuzz the parsers of untrusted input (QMP/agent lines, console markers,
# TOML files, agent evidence) for a bounded time each (8 s here: CI runs on
# every change; `bash ci/fuzz.sh` alone defaults to 60 s).
stage fuzz
export FUZZ_SECONDS=${FUZZ_SECONDS:-8}
timed fuzz bash ci/fuzz.sh
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
# Verdicts must not depend on the host's speed: the negative controls and
# the hung/panicked guests again while stress-ng keeps every core busy.
stage slowed
timed slowed bash ci/slowed.sh
# One host reference for the whole stage, measured by the first run that
# needs it while the others wait (every test's own images directory would
# otherwise boot its own calibration VMs). The test that only makes sense
# under stress ran in the slowed stage.
stage test
export LIVECHECK_REFERENCE_DIR=$(mktemp -d)
trap 'kill $(pgrep -P "$fixture_pid") "$fixture_pid" 2>/dev/null || true; rm -rf "$LIVECHECK_REFERENCE_DIR"' EXIT
ctest --preset ci -j2 -E 'UnderLoad$'

