#!/usr/bin/env bash
# Static analysis of the product sources (tests excluded) with cppcheck.
# Checks: warning (likely bugs), performance, portability. "style" is left
# out: it mostly flags taste, and a gate must only fail on what matters.
# A finding fails the run; a false positive is suppressed inline with
# `// cppcheck-suppress ID ; why`.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t sources < <(git ls-files '*.cc' | grep -v '_test\.cc$' | grep -v '^tests/')
cppcheck --quiet --std=c++20 --enable=warning,performance,portability --inline-suppr \
  --error-exitcode=1 --suppress=missingIncludeSystem -I . -j2 "${sources[@]}"
echo "cppcheck: ${#sources[@]} files, no findings"
