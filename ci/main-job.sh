#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: set up, build livecheck (release)
# and build the default image variants into out/images.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake --preset release
cmake --build --preset release
./build/release/bin/livecheck build --config builder/variants.toml --out out/images "$@"
