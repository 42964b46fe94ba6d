#!/usr/bin/env bash
# The README's first command: install everything, then run the main job (the
# report) on the bundled register sample (four extracts read through their
# sources file, with the population table) and say where the output went.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
mkdir -p output
.venv/bin/pathways report eventlogs/registers/helsefellesskap.yaml \
  --population eventlogs/registers/befolkning.csv -o output/rapport.html
echo
echo "Done: open output/rapport.html in a web browser (it works offline)."
echo "Run the tool with .venv/bin/pathways --help (or: source .venv/bin/activate; pathways --help)."
