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
# Installed as a user gets it (out/install: bin/, libexec/livecheck/,
# share/livecheck/), and run from out/, where no checkout files are: the
# default variants and scenarios come from the installed share/livecheck.
prefix=$PWD/out/install
cmake --install build/release --prefix "$prefix"
cd out
"$prefix/bin/livecheck" --version
"$prefix/bin/livecheck" build --out images
"$prefix/bin/livecheck" run --images images --report-dir report "$@"
