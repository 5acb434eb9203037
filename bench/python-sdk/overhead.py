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


# -- scenarios (each runs in its own interpreter) ------------------------------------------------


def timed(fn: Callable[[int, int], int], batches: int) -> Dict[str, float]:
    for i in range(20_000):  # warm up caches, the transport thread, the connection
        fn(i, 2)
    per_call: List[float] = []
    clock = time.perf_counter_ns
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    for _ in range(batches):
        t0 = clock()
        for i in range(BATCH):
            fn(i, 2)
        per_call.append((clock() - t0) / BATCH / 1000.0)
    wall = time.perf_counter() - wall0
    per_call.sort()
    return {
        "median": statistics.median(per_call),
        "p99": per_call[int(len(per_call) * 0.99)],
        "mean": wall / (batches * BATCH) * 1e6,
        "cpu0": cpu0,
        "calls": batches * BATCH,
    }


def scenario(name: str, hub_url: str, batches: int, loop_calls: int) -> Dict[str, Any]:
    def work(a: int, b: int) -> int:
        return a + b

    flush: Callable[[], Any] = lambda: None
    dropped: Callable[[], Any] = lambda: {}
    fn: Callable[[int, int], int] = work

    if name == "plain":
        pass
    elif name.startswith("sdk"):
        import runtime_hub

        if name == "sdk-disabled":
            runtime_hub.configure(enabled=False)
        elif name == "sdk-off-at-import":
            pass  # RUNTIME_HUB_ENABLED=0 in the environment: @track returns `work` itself
        else:
            url = hub_url if name in ("sdk-hub-up", "sdk-throughput") else "http://127.0.0.1:9"
            runtime_hub.configure(service=f"bench-{name}", url=url)
        fn = runtime_hub.track(work)
        flush = lambda: runtime_hub.flush(120 if name != "sdk-hub-down" else 0)
        dropped = lambda: runtime_hub._runtime.STATE.client.transport.dropped() if runtime_hub._runtime.STATE.client else {}
    elif name.startswith("otel"):
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider(resource=Resource.create({"service.name": f"bench-{name}"}))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{hub_url}/v1/traces")))
        trace.set_tracer_provider(provider)
        tracer = trace.get_tracer("bench")
        fn = tracer.start_as_current_span("work")(work)
        flush = lambda: provider.force_flush(120_000)
    else:
        raise SystemExit(f"unknown scenario {name}")

    if name.endswith("throughput"):
        for i in range(2000):
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

    result = timed(fn, batches)
    flush()
    result["cpu"] = (time.process_time() - result.pop("cpu0")) / result["calls"] * 1e6
    result["dropped"] = dropped()
    return result


# -- the orchestrator --------------------------------------------------------------------------


def start_hub(data: str) -> "tuple[subprocess.Popen, str]":
    log = open(os.path.join(data, "hub.log"), "wb")
    process = subprocess.Popen(["node", str(HUB_MAIN), "start", "--port", "0", "--data", data], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"runtime-hub listening on (http://\S+)", Path(data, "hub.log").read_text(errors="replace"))
        if match:
            return process, match.group(1)
        time.sleep(0.05)
    process.kill()
    raise SystemExit("the hub did not start; run `npm run build` at the repo root")


def stored_spans(hub_url: str) -> int:
    with urllib.request.urlopen(f"{hub_url}/api/health", timeout=10) as response:
        return int(json.loads(response.read())["spans"])


def settle(hub_url: str, expected: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    count = stored_spans(hub_url)
    while count < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        count = stored_spans(hub_url)
    return count


def run(name: str, hub_url: str, batches: int, loop_calls: int) -> Dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNTIME_HUB_", "OTEL_"))}
    if name == "sdk-off-at-import":
        env["RUNTIME_HUB_ENABLED"] = "0"
    cmd = [sys.executable, __file__, "--scenario", name, "--hub-url", hub_url, "--batches", str(batches), "--loop-calls", str(loop_calls)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise SystemExit(f"{name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


LABELS = {
    "plain": "plain call (baseline)",
    "sdk-off-at-import": "SDK, RUNTIME_HUB_ENABLED=0 at import",
    "sdk-disabled": "SDK disabled (configure(enabled=False))",
    "sdk-hub-up": "SDK enabled, hub reachable",
    "sdk-hub-down": "SDK enabled, hub down",
    "otel-hub-up": "OpenTelemetry decorator, BatchSpanProcessor, OTLP/HTTP",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario")
    parser.add_argument("--hub-url")
    parser.add_argument("--batches", type=int, default=2000)
    parser.add_argument("--loop-calls", type=int, default=200_000)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(scenario(args.scenario, args.hub_url, args.batches, args.loop_calls)))
        return

    hub = None
    hub_url = args.hub_url
    if not hub_url:
        data = tempfile.mkdtemp(prefix="bench-python-sdk-")
        hub, hub_url = start_hub(data)
    try:
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, hub {hub_url}, {args.batches * BATCH} calls per scenario\n")
        results = {name: run(name, hub_url, args.batches, args.loop_calls) for name in LABELS}
        base = results["plain"]["median"]
        print(f"{'per call (µs)':<56}{'median':>8}{'p99':>8}{'mean':>8}{'cpu/call':>10}{'overhead':>10}  dropped")
        for name, label in LABELS.items():
            r = results[name]
            overhead = r["median"] - base if name != "plain" else 0.0
            dropped = sum(r["dropped"].values()) if isinstance(r.get("dropped"), dict) else 0
            print(f"{label:<56}{r['median']:>8.3f}{r['p99']:>8.3f}{r['mean']:>8.3f}{r['cpu']:>10.3f}{overhead:>10.3f}  {dropped}")
        sdk, otel = results["sdk-hub-up"]["median"] - base, results["otel-hub-up"]["median"] - base
        print(f"\nSDK overhead / OpenTelemetry overhead (median): {sdk / otel:.2f}  (target <= 0.33)")
        print(f"SDK overhead / OpenTelemetry overhead (cpu/call): {(results['sdk-hub-up']['cpu'] - results['plain']['cpu']) / (results['otel-hub-up']['cpu'] - results['plain']['cpu']):.2f}")

        print(f"\n{'tight loop, then flush':<40}{'calls':>9}{'loop s':>9}{'total s':>9}{'stored':>9}{'dropped':>9}{'spans/s':>10}")
        for name, label in (("sdk-throughput", "runtime-hub SDK"), ("otel-throughput", "OpenTelemetry SDK")):
            before = stored_spans(hub_url)
            r = run(name, hub_url, args.batches, args.loop_calls)
            stored = settle(hub_url, before + r["calls"] + 2000, timeout=30) - before - 2000  # minus the warm-up
            dropped = sum(r["dropped"].values()) if r["dropped"] else r["calls"] - stored
            print(f"{label:<40}{r['calls']:>9}{r['loop_s']:>9.2f}{r['total_s']:>9.2f}{stored:>9}{dropped:>9}{stored / r['total_s']:>10.0f}")
    finally:
        if hub is not None:
            hub.terminate()
            hub.wait(10)


if __name__ == "__main__":
    main()
