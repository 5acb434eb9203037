"""A pytest plugin for the library suites run in a child process (see test_real_libraries.py).

Loaded with `-p track_plugin`. With RUNTIME_HUB_TRACK_PACKAGES set (comma-separated packages)
it imports every module of those packages before any test module is collected and tracks all
their functions and classes with `track_module(m, classes=True)`. In every mode it writes each
test's outcome to RUNTIME_HUB_TEST_OUTCOMES (JSON), and with tracking also what the SDK counted
as dropped after its final flush, so the parent can compare it with the hub's figure.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
from typing import Any, Dict, List

_outcomes: Dict[str, str] = {}
_tracked: List[str] = []


def pytest_configure(config: Any) -> None:
    packages = [p for p in os.environ.get("RUNTIME_HUB_TRACK_PACKAGES", "").split(",") if p]
    if not packages:
        return
    import runtime_hub

    for package in packages:
        # every module tracked as it is imported, before the rest of the package uses it
        runtime_hub.track_package(package, classes=True)
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(getattr(root, "__path__", []), package + "."):
            if not (".tests" in info.name or ".test_" in info.name):  # the library, not its tests
                importlib.import_module(info.name)
    _tracked.extend(sorted(n for n in sys.modules if any(n == p or n.startswith(p + ".") for p in packages)))


def pytest_runtest_logreport(report: Any) -> None:
    if report.when == "call" or report.outcome != "passed":
        previous = _outcomes.get(report.nodeid)
        if previous is None or previous == "passed":
            _outcomes[report.nodeid] = report.outcome


def pytest_unconfigure(config: Any) -> None:
    path = os.environ.get("RUNTIME_HUB_TEST_OUTCOMES")
    if not path:
        return
    result: Dict[str, Any] = {"outcomes": _outcomes, "tracked_modules": _tracked}
    if _tracked:
        import runtime_hub
        from runtime_hub import _runtime

        client = _runtime.STATE.client
        transport = client.transport if client is not None else None
        runtime_hub.shutdown(timeout=30.0)  # final flush and heartbeat; what is left is counted
        result["dropped"] = transport.dropped() if transport is not None else {}
    with open(path, "w", encoding="utf-8") as out:
        json.dump(result, out)
