#!/usr/bin/env bash
# Python SDK tests: unit tests (in-memory transport, local test servers) and integration tests
# (a real hub process, real Python programs). Creates or reuses sdk/python/.venv.
#   bash sdk/python/scripts/test.sh            # everything
#   bash sdk/python/scripts/test.sh tests/unit # pytest arguments pass through
set -euo pipefail

sdk="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$sdk/../.." && pwd)"
venv="$sdk/.venv"
python="${PYTHON:-python3}"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
  echo "sdk/python: needs Python 3.9+ (set PYTHON=/path/to/python3)" >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
# Reinstall only when the package metadata changed.
stamp="$venv/.installed-$(cksum < "$sdk/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$stamp" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$sdk[test]"
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi

# The integration tests start the hub from packages/hub/dist (`npm test` builds it first).
if [ -z "${RUNTIME_HUB_TEST_HUB_CMD:-}" ] && [ ! -f "$root/packages/hub/dist/cli/main.js" ]; then
  (cd "$root" && npm run build)
fi

cd "$sdk"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
