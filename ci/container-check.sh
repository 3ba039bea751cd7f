#!/usr/bin/env bash
# Builds the container image from Containerfile with a livecheck .deb, then
# runs the pipeline templates' own commands in it, as the CI platforms
# would: the GitLab job's `script:` lines (on the default branch, so without
# the baseline fetch, which needs GitLab's API) and the GitHub workflow's
# `run:` steps (the timing gate against the first run's report, standing in
# for main's cached one). Each in a fresh container sharing one work
# directory laid out as a user's repository: livecheck/variants.toml and
# livecheck/scenarios/ (livecheck's defaults). Checks what the templates
# publish: out/report/junit.xml, report.html, report.json.
# Needs root, podman and runc, and Debian's mirror when there is no
# debian:12 image (it is then made with mmdebstrap and imported under that
# name). Downloads several hundred MB and boots every default variant six
# times: not part of every CI run.
#   ci/container-check.sh [build/release/livecheck_0.1.0_amd64.deb]
# Without an argument it builds the package first (release preset, cpack);
# podman, runc and mmdebstrap are installed when missing (ci/setup.sh has
# the rest).
# The templates' `--repeat 3` stays (about 6 minutes here); with
# LIVECHECK_TEMPLATE_REPEAT=1 it is faster, but the gate then compares two
# single runs and flags noise (24 of 123 figures 10-17 % apart here).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for tool in podman runc mmdebstrap; do command -v "$tool" > /dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ $# -ge 1 ]; then
  deb=$(readlink -f "$1")
else
  cmake --preset release > /dev/null
  cmake --build --preset release --target livecheck livecheck-agent
  (cd build/release && cpack -G DEB > /dev/null)
  deb=$(readlink -f build/release/livecheck_*_amd64.deb)
fi
repeat=${LIVECHECK_TEMPLATE_REPEAT:-3}
mirror=${LIVECHECK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
scratch=$(mktemp -d)
# The image goes with the scratch directory, also when a command fails.
trap 'podman rmi -f livecheck-check > /dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
# runc, not crun: crun refuses hybrid cgroup hierarchies. Limits at or below
# the caller's own: without CAP_SYS_RESOURCE (as in some CI sandboxes) the
# runtime may not raise them to its defaults.
podman_opts=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

if ! podman image exists docker.io/library/debian:12; then
  if ! timeout 120 podman pull -q docker.io/library/debian:12 > /dev/null 2>&1; then
    echo "container-check: no registry; debian:12 from $mirror with mmdebstrap"
    mmdebstrap --quiet --variant=apt bookworm "$scratch/debian12.tar" "$mirror"
    podman import -q "$scratch/debian12.tar" docker.io/library/debian:12 > /dev/null
    rm -f "$scratch/debian12.tar"
  fi
fi
mkdir "$scratch/context"
cp "$deb" "$scratch/context/"
podman build -q "${podman_opts[@]}" -t livecheck-check -f Containerfile "$scratch/context" > /dev/null
echo "container-check: image livecheck-check built from Containerfile with $(basename "$deb")"

# The user's repository: livecheck's defaults where the templates expect them.
work=$scratch/work
mkdir -p "$work/livecheck"
cp builder/variants.toml "$work/livecheck/variants.toml"
cp -r scenarios "$work/livecheck/scenarios"

# One file per command, in order: GitLab's script lines, then GitHub's run
# steps (those without an `if:`, then the gate's).
mkdir "$scratch/commands"
python3 - "$repeat" "$scratch/commands" <<'EOF'
import sys, yaml
repeat, out = sys.argv[1], sys.argv[2]
commands = []
gitlab = yaml.safe_load(open("ci/templates/gitlab-ci.yml"))
commands += [("gitlab", line) for line in gitlab["livecheck"]["script"]]
steps = yaml.safe_load(open("ci/templates/github-actions.yml"))["jobs"]["livecheck"]["steps"]
commands += [("github", s["run"]) for s in steps if "run" in s and "if" not in s]
commands += [("github", s["run"]) for s in steps if "run" in s and "livecheck compare" in s["run"]]
for i, (platform, cmd) in enumerate(commands):
    with open(f"{out}/{i:02d}-{platform}.sh", "w") as f:
        f.write(cmd.replace("--repeat 3", "--repeat " + repeat))
EOF

commands=("$scratch"/commands/*.sh)
for file in "${commands[@]}"; do
  cmd=$(cat "$file")
  echo "container-check: [$(basename "$file" .sh)] $(head -n 1 "$file")"
  # GitHub's gate compares with main's cached report: here the first run's.
  if [[ "$cmd" == *"livecheck compare baseline/"* && "$file" == *github* ]]; then
    mkdir -p "$work/baseline"
    cp "$scratch/first-report.json" "$work/baseline/report.json"
  fi
  podman run --rm "${podman_opts[@]}" -v "$work:/work" -w /work \
    -e CI_COMMIT_REF_NAME=main -e CI_DEFAULT_BRANCH=main --entrypoint sh livecheck-check -e -c "$cmd"
  if [[ "$cmd" == "livecheck run "* ]]; then
    for f in junit.xml report.html report.json; do
      [ -s "$work/out/report/$f" ] || { echo "container-check: out/report/$f missing after: $cmd"; exit 1; }
    done
    [ -f "$scratch/first-report.json" ] || cp "$work/out/report/report.json" "$scratch/first-report.json"
  fi
done
xmllint --noout "$work/out/report/junit.xml"
echo "container-check: ${#commands[@]} template commands ran in the container"
