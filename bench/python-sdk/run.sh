#!/usr/bin/env bash
# Python SDK overhead and throughput next to OpenTelemetry's, in one run. Not part of `npm test`.
#   bash bench/python-sdk/run.sh [--batches 2000] [--loop-calls 200000]
#   bash bench/python-sdk/run.sh --realcode [--library more-itertools] [--repeat 3]   # a library's own suite
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -e "$root/sdk/python" opentelemetry-sdk opentelemetry-exporter-otlp-proto-http pytest
fi
if [ ! -f "$root/packages/hub/dist/cli/main.js" ]; then
  (cd "$root" && npm run build)
fi
if [ "${1:-}" = "--realcode" ]; then
  shift
  "$venv/bin/python" -c 'import pytest' 2>/dev/null || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pytest
  exec "$venv/bin/python" "$here/realcode.py" "$@"
fi
exec "$venv/bin/python" "$here/overhead.py" "$@"
