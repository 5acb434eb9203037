"""Real code: three libraries' own test suites pass the same with every function tracked.

See realcode/README.md. Each suite runs plain (SDK disabled) and tracked (every module of the
library, classes included) against the real hub; the outcomes must be identical, no span may be
left running, every parent must be stored, and the hub must report the drops the SDK counted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from .hub import Hub, wait_for
from .realcode.libraries import LIBRARIES, Library, fetch

PLUGIN_DIR = Path(__file__).resolve().parent / "realcode"


def run_suite(lib: Library, root: Path, out: Path, hub: Hub, tracked: bool) -> Dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNTIME_HUB_") and k != "PYTHONPATH"}
    env.update(
        PYTHONPATH=os.pathsep.join([str(root / lib.src), str(PLUGIN_DIR)]),
        RUNTIME_HUB_TEST_OUTCOMES=str(out),
        RUNTIME_HUB_URL=hub.url,
        RUNTIME_HUB_SERVICE=f"realcode-{lib.package}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if tracked:
        env["RUNTIME_HUB_TRACK_PACKAGES"] = lib.package
    else:
        env["RUNTIME_HUB_ENABLED"] = "0"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio",
               "-p", "track_plugin", lib.tests]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert out.exists(), f"{lib.dist} ({'tracked' if tracked else 'plain'}) did not finish:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    report = json.loads(out.read_text())
    report["stdout"] = result.stdout
    return report


@pytest.mark.parametrize("lib", LIBRARIES, ids=[lib.dist for lib in LIBRARIES])
def test_a_library_suite_passes_the_same_fully_tracked(lib: Library, hub: Hub, tmp_path: Path) -> None:
    root = fetch(lib)
    plain = run_suite(lib, root, tmp_path / "plain.json", hub, tracked=False)
    tracked = run_suite(lib, root, tmp_path / "tracked.json", hub, tracked=True)

    assert len(plain["outcomes"]) > 100 and any(o == "passed" for o in plain["outcomes"].values())
    assert len(tracked["tracked_modules"]) >= 2
    different = {
        test: (plain["outcomes"].get(test), tracked["outcomes"].get(test))
        for test in set(plain["outcomes"]) | set(tracked["outcomes"])
        if plain["outcomes"].get(test) != tracked["outcomes"].get(test)
    }
    assert different == {}, tracked["stdout"][-5000:]

    service = f"realcode-{lib.package}"
    spans = hub.spans(service)
    assert len(spans) > 1000  # the library was really tracked
    running = [s for s in spans if s.get("endTime") is None]
    assert running == [], running[:3]
    ids = {s["spanId"] for s in spans}
    orphans = [s for s in spans if s.get("parentSpanId") and s["parentSpanId"] not in ids]
    assert orphans == [], orphans[:3]

    info = wait_for(lambda: hub.service(service), timeout=10)
    assert info and len(info["instances"]) == 1
    assert info["instances"][0]["dropped"] == tracked["dropped"]
