#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a
# bounded time (FUZZ_SECONDS, default 60) from the seed corpus in
# fuzz/corpus/<target>. New inputs go to a scratch directory, not the repo.
# A finding (crash, sanitizer report, trap) is printed in full with its input
# kept in out/fuzz-findings/, and fails the run.
#   ci/fuzz.sh [build|run]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
seconds=${FUZZ_SECONDS:-60}
if [ "$what" != run ]; then
  # -O1 with line tables: what libFuzzer's documentation suggests, and a
  # quarter less compile time than RelWithDebInfo's -O2 -g (49 s vs 65 s).
  # ccache and lld as in the ci preset (ci/setup.sh installs both).
  launcher=()
  command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER="env;CCACHE_DEPEND=true;ccache")
  command -v ld.lld > /dev/null && launcher+=(-DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld)
  CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DLIVECHECK_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" "${launcher[@]}" > /dev/null
  cmake --build build/fuzz
fi
[ "$what" = build ] && exit 0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p out/fuzz-findings
findings=0
for target in line_json phase_marker console_shell build_config scenario check_evidence disk_layout; do
  mkdir -p "$scratch/$target"
  echo "fuzz: ${target}_fuzz for ${seconds} s"
  if ./build/fuzz/fuzz/${target}_fuzz -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="out/fuzz-findings/${target}-" "$scratch/$target" "fuzz/corpus/$target" > "$scratch/$target.log" 2>&1; then
    tail -n 4 "$scratch/$target.log"
  else
    findings=$((findings + 1))
    echo "fuzz: FINDING in ${target}_fuzz (input kept in out/fuzz-findings/):"
    grep -v -E '^#[0-9]+|NEW_FUNC' "$scratch/$target.log" | tail -n 40
  fi
done
if [ "$findings" -gt 0 ]; then
  echo "fuzz: $findings target(s) with a finding"
  exit 1
fi
echo "fuzz: all targets ran ${seconds} s without a finding"
