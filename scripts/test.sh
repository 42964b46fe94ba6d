#!/usr/bin/env bash
# The README's second command: install the test extras and run the whole test
# suite (unit, property, CLI, real-log, Spark and browser tests).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test || exit 1
# --dist loadfile: the examples of one page (README, docs/*.md) share a
# namespace, so a page runs on one worker, in order.
export PATHWAYS_PSEUDONYM_KEY="${PATHWAYS_PSEUDONYM_KEY:-pathways-test-key}"
.venv/bin/python -m pytest -n 2 --dist loadfile -q "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "No tests were collected: that is a failure." >&2
  exit 1
fi
exit "$status"
