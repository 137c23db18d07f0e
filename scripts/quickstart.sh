#!/usr/bin/env bash
# Set up trustscreen in .venv and run the main job on the embedded default (bundled curated lists,
# SQLite, no network needed after install): screen a name.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e .
export TRUSTSCREEN_DB=${TRUSTSCREEN_DB:-$PWD/.trustscreen/trustscreen.db}
.venv/bin/trustscreen screen "${1:-Huawei Technologies}"
