#!/usr/bin/env bash
# The README's first command: install everything, then run the main job on the
# bundled sample log and say where the output went.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
mkdir -p output
.venv/bin/pathways discover eventlogs/sample.csv -o output/sample-levelmap.svg
echo
echo "Done. Open output/sample-levelmap.svg in a browser."
echo "Next time, run the tool with: .venv/bin/pathways --help"
