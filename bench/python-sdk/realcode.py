"""Per-call overhead on real code: a library's own test suite, every function of the library
wrapped, next to the OpenTelemetry decorator on the same functions, in the same run.

    bash bench/python-sdk/run.sh --realcode [--library more-itertools] [--repeat 3]

Rows (each a fresh interpreter running the suite; median of --repeat runs):
  plain                 the suite as is (baseline)
  bare wrapper          every function behind a one-line counting wrapper: the floor for any
                        decorator, and the count of wrapped calls the per-call figures divide by
  @track, hub up        runtime_hub.track_package(pkg, classes=True) -> the real hub
  @track, hub down      the same, RUNTIME_HUB_URL pointing at a closed port
  OTel decorator        tracer.start_as_current_span(name) as decorator on the same functions,
                        BatchSpanProcessor + OTLP/HTTP exporter -> the real hub's OTLP endpoint
wall / cpu: the suite's session time and the process's CPU time (all threads) over it; flush:
the time to deliver the rest at exit (not in wall). Per-call overhead = (row - plain) / calls.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "sdk" / "python" / "tests" / "integration"))

from hub import Hub  # noqa: E402
from realcode.libraries import LIBRARIES, fetch  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(lib: Any, root: Path, mode: str, env_extra: Dict[str, str]) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNTIME_HUB_", "OTEL_")) and k != "PYTHONPATH"}
        env.update(PYTHONPATH=os.pathsep.join([str(root / lib.src), str(HERE)]), BENCH_MODE=mode,
                   BENCH_PACKAGE=lib.package, BENCH_OUT=str(out), PYTHONDONTWRITEBYTECODE="1", **env_extra)
        if mode != "runtime-hub":
            env["RUNTIME_HUB_ENABLED"] = "0"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio",
                   "-p", "realcode_plugin", lib.tests]
        result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=1800)
        if not out.exists():
            raise RuntimeError(f"{mode} did not finish: {result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        return json.loads(out.read_text())  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", default="more-itertools", choices=[lib.dist for lib in LIBRARIES])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lib = next(lib for lib in LIBRARIES if lib.dist == args.library)
    root = fetch(lib)
    data = Path(tempfile.mkdtemp(prefix="bench-realcode-"))
    hub = Hub(data).start()
    try:
        down = f"http://127.0.0.1:{free_port()}"
        rows = [
            ("plain (baseline)", "plain", {}),
            ("bare counting wrapper", "wrapper", {}),
            ("@track, hub up", "runtime-hub", {"RUNTIME_HUB_URL": hub.url, "RUNTIME_HUB_SERVICE": "bench-realcode"}),
            ("@track, hub down", "runtime-hub", {"RUNTIME_HUB_URL": down, "RUNTIME_HUB_SERVICE": "bench-realcode-down",
                                                 "BENCH_FLUSH_TIMEOUT": "0.5"}),
            ("OTel decorator, OTLP -> hub", "otel", {"BENCH_OTLP": f"{hub.url}/v1/traces"}),
        ]
        results: Dict[str, List[Dict[str, Any]]] = {label: [] for label, _, _ in rows}
        loads: List[float] = []
        for _ in range(args.repeat):  # interleaved, so a change in machine load hits every row alike
            for label, mode, extra in rows:
                loads.append(os.getloadavg()[0])
                results[label].append(run(lib, root, mode, extra))
        print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
              f"{min(loads):.1f}-{max(loads):.1f} during the run (now {' '.join(f'{x:.1f}' for x in os.getloadavg())})")
        calls = statistics.median(r["calls"] for r in results["bare counting wrapper"])
        plain = results["plain (baseline)"]
        base_wall = statistics.median(r["wall"] for r in plain)
        base_cpu = statistics.median(r["cpu"] for r in plain)
        tests = len(plain[0]["outcomes"])
        print(f"{lib.dist} {lib.version}: {tests} tests, {int(calls)} calls of wrapped functions per run; median of {args.repeat} runs")
        print()
        print(f"{'':32}{'wall s':>8}{'cpu s':>8}{'flush s':>8}{'x wall':>8}{'x cpu':>8}{'µs/call wall':>14}{'µs/call cpu':>13}{'dropped':>9}{'tests differ':>14}")
        for label, _mode, _extra in rows:
            runs = results[label]
            wall = statistics.median(r["wall"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            flush = statistics.median(r.get("flush", 0.0) for r in runs)
            dropped = statistics.median(r.get("dropped", 0) for r in runs) if "dropped" in runs[0] else "-"
            differ = max(sum(1 for t, o in r["outcomes"].items() if plain[0]["outcomes"].get(t) != o) for r in runs)
            print(f"{label:32}{wall:8.2f}{cpu:8.2f}{flush:8.2f}{wall / base_wall:8.2f}{cpu / base_cpu:8.2f}"
                  f"{(wall - base_wall) / calls * 1e6:14.2f}{(cpu - base_cpu) / calls * 1e6:13.2f}{dropped!s:>9}{differ:>14}")
    finally:
        hub.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
