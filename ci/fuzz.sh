#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a
# bounded time (FUZZ_SECONDS, default 60) from the seed corpus in
# fuzz/corpus/<target>. New inputs go to a scratch directory, not the repo.
# A crash, a leak, a sanitizer report or a trap fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DLIVECHECK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build/fuzz
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in line_json phase_marker build_config scenario check_evidence; do
  mkdir -p "$scratch/$target"
  echo "fuzz: ${target}_fuzz for ${seconds} s"
  ./build/fuzz/fuzz/${target}_fuzz -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$scratch/" "$scratch/$target" "fuzz/corpus/$target" 2>&1 | tail -n 4
done
echo "fuzz: all targets ran ${seconds} s without a finding"
