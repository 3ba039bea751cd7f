#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: set up, build livecheck (release),
# build the default image variants into out/images and run the default
# scenarios on them; reports go to out/report. Extra arguments go to `run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake --preset release
# Only what the main job runs: livecheck and its guest agent, not the tests.
cmake --build --preset release --target livecheck livecheck-agent
./build/release/bin/livecheck build --config builder/variants.toml --out out/images
./build/release/bin/livecheck run scenarios --config builder/variants.toml --images out/images \
  --report-dir out/report "$@"
