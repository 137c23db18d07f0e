#!/usr/bin/env bash
# Create benchmarks/.venv-yente with nomenklatura (yente's matching library) from PyPI, for
# bench_yente.py / yente_pairs.py only. Kept out of the project venv: nomenklatura pins its own
# followthemoney / rigour / pydantic stack, and trustscreen must not depend on it.
# Idempotent: does nothing when the venv already imports nomenklatura. Git-ignored.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv-yente"
PYTHON="${PYTHON:-python3}"

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import nomenklatura" 2>/dev/null; then
    echo "yente venv ready: $VENV" >&2
else
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --upgrade pip >&2
    "$VENV/bin/pip" install "nomenklatura>=4.17,<5" >&2
fi
"$VENV/bin/python" -c "from importlib.metadata import version as v; print('nomenklatura', v('nomenklatura'), 'followthemoney', v('followthemoney'), 'rigour', v('rigour'))"
