"""What keeping results for replay costs a tracked call, next to the SDK before replay existed.

    python bench/python-sdk/replay_overhead.py [--calls 200000] [--rounds 5] [--baseline-rev a12f0c8^]

The baseline is the SDK's source at `--baseline-rev` (extracted with `git archive`), run in the
same session, interleaved round by round with the current source. Each row runs in a fresh
interpreter: a trivial tracked function (`a + b`) called `--calls` times with a transport that
drops every span (so only the call path is measured), median ns per call over the rounds.

Rows: plain call; tracked (baseline); tracked (now, default `replay="llm"`: one extra check per
call); tracked with `@track(replay=True)` (input hash + encoding of the result on every call).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys, time
from runtime_hub.transport.base import Transport
import runtime_hub
from runtime_hub import track

class Discard(Transport):
    def span_started(self, span): pass
    def span_ended(self, span): pass

mode, calls = sys.argv[1], int(sys.argv[2])
runtime_hub.configure(service="bench", transport=Discard())
def add(a, b):
    return a + b
if mode == "tracked":
    add = track(add)
elif mode == "replay":
    add = track(replay=True)(add)
for i in range(5000):
    add(i, 1)
start = time.perf_counter()
for i in range(calls):
    add(i, 1)
print((time.perf_counter() - start) / calls * 1e9)
"""


def extract(rev: str, into: Path) -> Path:
    data = subprocess.run(["git", "archive", rev, "sdk/python/src"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into)
    return into / "sdk" / "python" / "src"


def run(src: Path, mode: str, calls: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    env = {k: v for k, v in env.items() if not k.startswith("RUNTIME_HUB_")} | {"PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", CHILD, mode, str(calls)], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline-rev", default="a12f0c8^")
    args = parser.parse_args()
    current = ROOT / "sdk" / "python" / "src"
    with tempfile.TemporaryDirectory() as tmp:
        baseline = extract(args.baseline_rev, Path(tmp))
        rows = {"plain call": [], f"tracked, SDK at {args.baseline_rev} (baseline)": [], "tracked, now (replay='llm', the default)": [], "tracked, now, @track(replay=True)": []}
        load = [os.getloadavg()[0]]
        for _ in range(args.rounds):
            rows["plain call"].append(run(current, "plain", args.calls))
            rows[f"tracked, SDK at {args.baseline_rev} (baseline)"].append(run(baseline, "tracked", args.calls))
            rows["tracked, now (replay='llm', the default)"].append(run(current, "tracked", args.calls))
            rows["tracked, now, @track(replay=True)"].append(run(current, "replay", args.calls))
            load.append(os.getloadavg()[0])
    print(f"{args.calls} calls x {args.rounds} rounds, median ns/call; load average (1 min) {min(load):.2f}-{max(load):.2f}")
    for name, values in rows.items():
        print(f"  {name:<48} {statistics.median(values):8.0f}   (min {min(values):.0f}, max {max(values):.0f})")


if __name__ == "__main__":
    main()
