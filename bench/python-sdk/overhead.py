"""Per-call overhead and throughput of the Python SDK, next to the OpenTelemetry SDK, in one run.

    bash bench/python-sdk/run.sh            # makes its venv, starts a hub, prints the table
    python overhead.py --hub-url URL        # against a hub you started yourself

Each scenario runs in a fresh interpreter. The tracked function is trivial (`a + b`), so the
figures are the SDK's own cost. Per-call times are taken over batches of 100 calls:

  median / p99   per-call time as the calling thread sees it (median and 99th percentile of batches)
  cpu/call       process CPU time (all threads: the call, the background export thread, the final
                 flush) divided by the number of calls: the all-in price of one span
  overhead       median minus the plain call's median

Throughput: one process calls a tracked function in a tight loop, then flushes; spans/s counts
only what the hub stored (checked through its API), and the number dropped is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HUB_MAIN = ROOT / "packages" / "hub" / "dist" / "cli" / "main.js"
BATCH = 100
WARMUP_CALLS = 5_000
PACED_RATE = 5_000  # calls/s in the per-call rows: slow enough for everything to be delivered
WARMUP_LOOP = 2_000


# -- scenarios (each runs in its own interpreter) ------------------------------------------------


def timed(fn: Callable[[int, int], int], batches: int, flush: Callable[[], Any]) -> Dict[str, float]:
    """Back-to-back calls in batches of 100, the batches paced at PACED_RATE calls/s."""
    interval = BATCH / PACED_RATE
    next_at = time.perf_counter()
    for _ in range(WARMUP_CALLS // BATCH):  # warm up caches, the transport thread, the connection
        for i in range(BATCH):
            fn(i, 2)
        next_at += interval
        time.sleep(max(0.0, next_at - time.perf_counter()))
    flush()
    per_call: List[float] = []
    clock = time.perf_counter_ns
    cpu0 = time.process_time()
    next_at = time.perf_counter()
    for _ in range(batches):
        t0 = clock()
        for i in range(BATCH):
            fn(i, 2)
        per_call.append((clock() - t0) / BATCH / 1000.0)
        next_at += interval
        delay = next_at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    flush()
    cpu = time.process_time() - cpu0
    per_call.sort()
    return {
        "median": statistics.median(per_call),
        "p99": per_call[int(len(per_call) * 0.99)],
        "mean": statistics.fmean(per_call),
        "cpu": cpu / (batches * BATCH) * 1e6,
        "calls": batches * BATCH,
    }


def scenario(name: str, target: str, batches: int, loop_calls: int) -> Dict[str, Any]:
    """`name` is plain | sdk-off-at-import | sdk-disabled | sdk | otel, plus "-throughput" for
    the tight loop; `target` is the URL spans go to."""

    def work(a: int, b: int) -> int:
        return a + b

    flush: Callable[[], Any] = lambda: None
    dropped: Callable[[], Dict[str, int]] = lambda: {}
    fn: Callable[[int, int], int] = work
    kind = name.replace("-throughput", "").replace("-paced", "")

    if kind == "plain":
        pass
    elif kind.startswith("sdk"):
        import runtime_hub
        from runtime_hub._runtime import STATE

        if kind == "sdk-disabled":
            runtime_hub.configure(enabled=False)
        elif kind == "sdk":
            runtime_hub.configure(service="bench-sdk", url=target)
        # sdk-off-at-import: RUNTIME_HUB_ENABLED=0 in the environment, so @track returns `work` itself
        fn = runtime_hub.track(work)
        flush = lambda: runtime_hub.flush(120 if "127.0.0.1:9" not in target else 0)
        dropped = lambda: STATE.client.transport.dropped() if STATE.client else {}
    elif kind == "otel":
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider(resource=Resource.create({"service.name": "bench-otel"}))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{target}/v1/traces")))
        trace.set_tracer_provider(provider)
        fn = trace.get_tracer("bench").start_as_current_span("work")(work)
        flush = lambda: provider.force_flush(120_000)
    else:
        raise SystemExit(f"unknown scenario {name}")

    if name.endswith("-paced"):
        rate, seconds = loop_calls, 2.0  # loop_calls carries the rate (calls per second)
        for i in range(WARMUP_LOOP):
            fn(i, 2)
        flush()
        interval = BATCH / rate
        batches_run = int(rate * seconds / BATCH)
        start = next_at = time.perf_counter()
        for _ in range(batches_run):
            for i in range(BATCH):
                fn(i, 2)
            next_at += interval
            delay = next_at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        loop = time.perf_counter() - start
        flush()
        return {"loop_s": loop, "calls": batches_run * BATCH, "dropped": dropped()}

    if name.endswith("-throughput"):
        for i in range(WARMUP_LOOP):
            fn(i, 2)
        flush()
        cpu0 = time.process_time()
        start = time.perf_counter()
        for i in range(loop_calls):
            fn(i, 2)
        loop = time.perf_counter() - start
        flush()
        total = time.perf_counter() - start
        return {"loop_s": loop, "total_s": total, "cpu_s": time.process_time() - cpu0, "calls": loop_calls, "dropped": dropped()}

    result = timed(fn, batches, flush)
    result["dropped"] = dropped()
    return result


# -- the orchestrator --------------------------------------------------------------------------


def start_server(cmd: List[str], log_path: str, pattern: str) -> "tuple[subprocess.Popen, str]":
    log = open(log_path, "wb")
    process = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(pattern, Path(log_path).read_text(errors="replace"))
        if match:
            return process, match.group(1)
        time.sleep(0.05)
    process.kill()
    raise SystemExit(f"could not start {cmd}; see {log_path} (for the hub: run `npm run build` at the repo root)")


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


class Target:
    """Where spans go, and how many it has stored."""

    def __init__(self, label: str, url: str, count_path: str, key: str) -> None:
        self.label, self.url, self._count_url, self._key = label, url, url + count_path, key

    def count(self) -> int:
        return int(get_json(self._count_url)[self._key])

    def settle(self, expected: int, timeout: float = 30.0) -> int:
        """Wait until `expected` arrived, or nothing more arrives for a second."""
        deadline = time.monotonic() + timeout
        last, last_change = self.count(), time.monotonic()
        while last < expected and time.monotonic() < deadline and time.monotonic() - last_change < 1.0:
            time.sleep(0.1)
            now = self.count()
            if now != last:
                last, last_change = now, time.monotonic()
        return last


def run(name: str, target: str, batches: int, loop_calls: int) -> Dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNTIME_HUB_", "OTEL_"))}
    if name.startswith("sdk-off-at-import"):
        env["RUNTIME_HUB_ENABLED"] = "0"
    cmd = [sys.executable, __file__, "--scenario", name, "--target", target, "--batches", str(batches), "--loop-calls", str(loop_calls)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise SystemExit(f"{name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario")
    parser.add_argument("--target")
    parser.add_argument("--batches", type=int, default=300, help="batches of 100 calls per per-call row")
    parser.add_argument("--loop-calls", type=int, default=200_000)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(scenario(args.scenario, args.target, args.batches, args.loop_calls)))
        return

    data = tempfile.mkdtemp(prefix="bench-python-sdk-")
    hub, hub_url = start_server(["node", str(HUB_MAIN), "start", "--port", "0", "--data", data], os.path.join(data, "hub.log"), r"runtime-hub listening on (http://\S+)")
    sink, sink_url = start_server([sys.executable, str(HERE / "sink.py")], os.path.join(data, "sink.log"), r"sink listening on (http://\S+)")
    hub_target = Target("hub", hub_url, "/api/health", "spans")
    sink_target = Target("sink", sink_url, "/count", "spans")
    down = "http://127.0.0.1:9"
    try:
        calls = args.batches * BATCH
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        print(f"per-call rows: {calls} calls after {WARMUP_CALLS} warm-up calls, in back-to-back batches of {BATCH}, paced at {PACED_RATE} calls/s")
        print("hub: the real hub (packages/hub); sink: a local process that answers 200 at once (the SDK's own limit)\n")
        rows = [
            ("plain call (baseline)", "plain", None),
            ("@track, RUNTIME_HUB_ENABLED=0 at import", "sdk-off-at-import", None),
            ("@track, configure(enabled=False)", "sdk-disabled", None),
            ("@track, enabled, hub reachable", "sdk", hub_target),
            ("@track, enabled, sink reachable", "sdk", sink_target),
            ("@track, enabled, hub down", "sdk", None),
            ("OTel decorator + BatchSpanProcessor + OTLP/HTTP -> hub", "otel", hub_target),
            ("OTel decorator + BatchSpanProcessor + OTLP/HTTP -> sink", "otel", sink_target),
        ]
        print(f"{'per call, µs':<58}{'median':>8}{'p99':>9}{'mean':>8}{'cpu/call':>9}{'overhead':>9}{'delivered':>10}{'dropped':>9}")
        results: Dict[str, Dict[str, Any]] = {}
        for label, name, target in rows:
            before = target.count() if target else 0
            url = target.url if target else down
            r = run(name, url, args.batches, args.loop_calls)
            produced = calls + WARMUP_CALLS
            delivered = target.settle(before + produced) - before if target else 0
            dropped = sum(r["dropped"].values()) if r["dropped"] else (produced - delivered if target else 0)
            results[label] = r
            base = results["plain call (baseline)"]["median"]
            shown_delivered = f"{delivered}" if target else "-"
            print(f"{label:<58}{r['median']:>8.3f}{r['p99']:>9.3f}{r['mean']:>8.3f}{r['cpu']:>9.3f}{r['median'] - base:>9.3f}{shown_delivered:>10}{dropped:>9}")
        base = results["plain call (baseline)"]
        for where in ("hub", "sink"):
            sdk = results[f"@track, enabled, {where} reachable"]
            otel = results[f"OTel decorator + BatchSpanProcessor + OTLP/HTTP -> {where}"]
            ratio = (sdk["median"] - base["median"]) / (otel["median"] - base["median"])
            cpu_ratio = (sdk["cpu"] - base["cpu"]) / (otel["cpu"] - base["cpu"])
            print(f"SDK / OTel overhead, to the {where}: median {ratio:.2f}, cpu/call {cpu_ratio:.2f}   (target: median <= 10 µs and <= 0.33)")

        print(f"\n{'tight loop of calls, then flush':<44}{'calls':>8}{'loop s':>8}{'total s':>8}{'delivered':>10}{'dropped':>8}{'spans/s':>9}")
        burst = 10_000  # the SDK's buffer size
        for label, name, target, calls in (
            ("@track -> sink, a burst the buffer holds", "sdk-throughput", sink_target, burst),
            ("@track -> hub, a burst the buffer holds", "sdk-throughput", hub_target, burst),
            ("OTel -> sink, the same burst", "otel-throughput", sink_target, burst),
            ("@track -> sink", "sdk-throughput", sink_target, args.loop_calls),
            ("@track -> hub", "sdk-throughput", hub_target, args.loop_calls),
            ("OTel -> sink", "otel-throughput", sink_target, args.loop_calls),
            ("OTel -> hub", "otel-throughput", hub_target, args.loop_calls),
        ):
            before = target.count()
            r = run(name, target.url, args.batches, calls)
            delivered = target.settle(before + WARMUP_LOOP + r["calls"]) - before - WARMUP_LOOP
            dropped = r["calls"] - delivered
            print(f"{label:<44}{r['calls']:>8}{r['loop_s']:>8.2f}{r['total_s']:>8.2f}{delivered:>10}{dropped:>8}{delivered / r['total_s']:>9.0f}")

        print(f"\n{'highest paced rate with nothing dropped':<44}{'calls/s':>9}{'delivered':>10}{'  (2 s runs, calls in batches of 100)'}")
        for label, name, target in (
            ("@track -> sink", "sdk-paced", sink_target),
            ("@track -> hub", "sdk-paced", hub_target),
            ("OTel -> sink", "otel-paced", sink_target),
        ):
            best, delivered_best = 0, 0
            low, high = 1_000, 400_000
            while high / low > 1.15:
                rate = int((low * high) ** 0.5)
                before = target.count()
                r = run(name, target.url, args.batches, rate)
                delivered = target.settle(before + WARMUP_LOOP + r["calls"]) - before - WARMUP_LOOP
                achieved = r["calls"] / r["loop_s"]
                if delivered >= r["calls"] and achieved >= rate * 0.95:
                    low, best, delivered_best = rate, int(achieved), delivered
                else:
                    high = rate
            print(f"{label:<44}{best:>9}{delivered_best:>10}")
    finally:
        for process in (hub, sink):
            process.terminate()
            process.wait(10)


if __name__ == "__main__":
    main()
