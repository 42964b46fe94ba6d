#!/usr/bin/env bash
# Make the example reports in reports/ (both languages) and the README's
# screenshot, from the bundled register sample, the sample log and the real Sepsis log.
# Usage: scripts/make-reports.sh   (from the repository root; needs chromium for the screenshot)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
export PATHWAYS_PSEUDONYM_KEY=${PATHWAYS_PSEUDONYM_KEY:-pathways-example-key}
SEPSIS=${SEPSIS:-../shared/data/sepsis_cases_event_log.csv}
mkdir -p reports docs/images

for lang in nb en; do
  "$PY" -m pathways report eventlogs/registers/helsefellesskap.yaml -o "reports/registers-$lang.html" \
    --lang "$lang" --population eventlogs/registers/befolkning.csv
  "$PY" -m pathways report eventlogs/sample.csv -o "reports/sample-$lang.html" --lang "$lang" \
    --intervention 2025-09-01:"Ny utskrivningsrutine"
  if [[ -f "$SEPSIS" && -f eventlogs/sepsis-rules.yaml ]]; then
    "$PY" -m pathways report "$SEPSIS" -o "reports/sepsis-$lang.html" --lang "$lang" \
      --levels eventlogs/sepsis-levels.yaml --rules eventlogs/sepsis-rules.yaml
  fi
done
"$PY" -m pathways compare eventlogs/registers/helsefellesskap.yaml --by municipality \
  --population eventlogs/registers/befolkning.csv -o reports/registers-kommuner-nb.html
"$PY" -m pathways discover eventlogs/registers/helsefellesskap.yaml -o docs/images/registers-levelmap.svg

if command -v chromium >/dev/null; then
  profile=$(mktemp -d)
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$profile" --window-size=1200,1500 \
    --screenshot="$PWD/docs/images/report-screenshot.png" "file://$PWD/reports/sample-nb.html" \
    2>/dev/null
  for page in registers-nb:1400:registers-report registers-kommuner-nb:1000:registers-compare; do
    IFS=: read -r html height png <<<"$page"
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
      --user-data-dir="$profile" --window-size="1000,$height" \
      --screenshot="$PWD/docs/images/$png.png" "file://$PWD/reports/$html.html" 2>/dev/null
  done
  # the first pages as printed (playwright-core from scripts/install.sh test)
  if [[ -d tests/browser/node_modules/playwright-core ]]; then
    (cd tests/browser && node shoot.js "../../reports/sample-nb.html" ../../docs/images/report-page 2)
  fi
  rm -rf "$profile"
fi
