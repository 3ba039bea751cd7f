#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds livecheck and runs every test: static
# analysis, the unit tests under ASan/UBSan, the fuzz targets, and last the
# whole test suite (unit, image read-back, real QEMU boots, reports), whose
# ctest summary closes the output.
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
stage lint
timed lint bash ci/lint.sh
# The unit tests under AddressSanitizer and UBSan, in their own build
# directory; any report fails the run.
stage sanitizers
timed sanitizers-configure cmake --preset asan
timed sanitizers-build cmake --build --preset asan
timed sanitizers-test ctest --preset asan -j2
# Fuzz the parsers of untrusted input (QMP/agent lines, console markers,
# TOML files, agent evidence) for a bounded time each.
stage fuzz
timed fuzz bash ci/fuzz.sh
# A live system nobody here built: Debian's live-boot from Debian's packages
# (cached by recipe digest; a few minutes the first time).
stage third-party-fixture
timed third-party-fixture bash fixtures/third-party/debian-live.sh
stage configure
timed configure cmake --preset ci
stage build
timed build cmake --build --preset ci
# Verdicts must not depend on the host's speed: the negative controls and
# the hung/panicked guests again while stress-ng keeps every core busy.
stage slowed
timed slowed bash ci/slowed.sh
stage test
exec ctest --preset ci -j2
