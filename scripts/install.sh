#!/usr/bin/env bash
# Install pathways and everything it needs on a Debian machine with python3:
# system packages (graphviz's dot, Java 17 for Spark, Chromium for the browser
# test) where missing, a virtual environment in .venv, and the package itself.
# Usage: bash scripts/install.sh [extra]     (extra: test, dev, spark)
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"

need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ "$extra" = test ] || [ "$extra" = dev ]; then command -v npm >/dev/null 2>&1 || need+=(npm); fi
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing system packages: ${need[*]}" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  if command -v apt-get >/dev/null 2>&1; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "Please install these with your system's package manager: ${need[*]}" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ -n "$extra" ]; then
  .venv/bin/python -m pip install -q -e ".[$extra]"
else
  .venv/bin/python -m pip install -q -e .
fi
# The report's browser tests: axe-core and playwright-core (no browser download;
# they drive the chromium above) from npm into tests/browser/node_modules.
if [ "$extra" = test ] || [ "$extra" = dev ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --prefix tests/browser --no-audit --no-fund --silent 2>/dev/null \
      || npm install --prefix tests/browser --no-audit --no-fund --silent
  else
    echo "npm not found: the report's browser tests will be skipped (apt-get install npm)." >&2
  fi
fi
