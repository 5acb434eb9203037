#!/usr/bin/env bash
# Python SDK overhead and throughput next to OpenTelemetry's, in one run. Not part of `npm test`.
#   bash bench/python-sdk/run.sh [--batches 2000] [--loop-calls 200000]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -e "$root/sdk/python" opentelemetry-sdk opentelemetry-exporter-otlp-proto-http
fi
if [ ! -f "$root/packages/hub/dist/cli/main.js" ]; then
  (cd "$root" && npm run build)
fi
exec "$venv/bin/python" "$here/overhead.py" "$@"
