#!/usr/bin/env bash
# Runs the libraries' unit tests (core, engine and app), built for Windows by
# `scripts/build-windows.sh --tests`, under Wine in a private prefix
# (scripts/wine-env.sh). Every test must pass; a test that needs a tool
# Wine lacks skips by the repository's skip rule or is cfg'd with a reason.
#
#   scripts/build-windows.sh --tests && scripts/wine-unit-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wine-env.sh

list=target/windows/test-exes.txt
if [ ! -s "$list" ]; then
  echo "ERROR: $list is missing: run scripts/build-windows.sh --tests first" >&2
  exit 1
fi
wine_prepare
trap wine_stop EXIT
failed=0
while read -r exe; do
  echo "== $(basename "$exe") under Wine"
  # Two at a time, as on the 2-core CI machine: Wine's loopback sockets
  # and timers are slower than Linux's.
  if ! wine_run "$exe" --test-threads=2; then
    echo "FAILED: $exe" >&2
    failed=1
  fi
done < "$list"
exit "$failed"
