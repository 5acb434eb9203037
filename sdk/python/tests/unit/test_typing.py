"""The package type-checks under mypy --strict, and so does code written against its public API
(the decorator keeps the decorated function's signature)."""

import subprocess
import sys
from pathlib import Path

import pytest

SDK = Path(__file__).resolve().parents[2]


def mypy(*args):
    pytest.importorskip("mypy")
    return subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", *args], cwd=SDK, capture_output=True, text=True, timeout=300)


def test_package_is_strictly_typed():
    result = mypy("--strict", "src/runtime_hub", str(SDK / "tests" / "typecheck" / "usage.py"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_decorated_functions_keep_their_signature(tmp_path):
    misuse = tmp_path / "misuse.py"
    misuse.write_text("from runtime_hub import track\n\n@track\ndef add(a: int, b: int) -> int:\n    return a + b\n\nadd('x', 2)\n")
    result = mypy("--strict", str(misuse))
    assert result.returncode == 1 and 'incompatible type "str"' in result.stdout
