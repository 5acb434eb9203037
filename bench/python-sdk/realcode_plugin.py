"""pytest plugin for bench/python-sdk/realcode.py: instruments a library one way, times its suite.

BENCH_MODE: plain | wrapper (a bare counting wrapper: the floor for any decorator) | runtime-hub |
otel (OpenTelemetry's `tracer.start_as_current_span(name)` as decorator, BatchSpanProcessor +
OTLP/HTTP exporter). The same functions are wrapped in every mode: each module of BENCH_PACKAGE
as it is imported (the runtime-hub way, `track_package`, for the others the same finder with
their own wrapper). Writes wall and CPU seconds of the session, outcomes and counts to BENCH_OUT.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import pkgutil
import sys
import time
from typing import Any, Callable, Dict

MODE = os.environ.get("BENCH_MODE", "plain")
PACKAGE = os.environ.get("BENCH_PACKAGE", "")
state: Dict[str, Any] = {"outcomes": {}, "calls": 0}


def _otel_wrapper() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": f"bench-otel-{PACKAGE}"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=os.environ["BENCH_OTLP"])))
    trace.set_tracer_provider(provider)
    state["provider"] = provider
    tracer = trace.get_tracer("bench")

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        return tracer.start_as_current_span(getattr(fn, "__qualname__", "f"))(fn)  # type: ignore[no-any-return]

    return wrap


def _counting_wrapper(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        state["calls"] += 1
        return fn(*args, **kwargs)

    return wrapper


def _instrument_with(wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Wrap what track_module(m, classes=True) would, with `wrap`, module by module as imported."""
    from runtime_hub._autotrack import _PackageFinder

    done: Dict[int, Any] = {}

    def once(fn: Any) -> Any:
        if id(fn) not in done:
            done[id(fn)] = (fn, wrap(fn))
        return done[id(fn)][1]

    def belongs(member: Any, name: str) -> bool:
        owner = getattr(member, "__module__", None)
        return isinstance(owner, str) and (owner == name or owner.startswith(name + "."))

    def instrument(module: Any) -> None:
        for name, member in list(vars(module).items()):
            if name.startswith("__") or not belongs(member, module.__name__):
                continue
            if inspect.isfunction(member):
                setattr(module, name, once(member))
            elif inspect.isclass(member):
                for attr, value in list(vars(member).items()):
                    if attr.startswith("__") and attr != "__call__":
                        continue
                    if isinstance(value, (staticmethod, classmethod)) and inspect.isfunction(value.__func__):
                        setattr(member, attr, type(value)(once(value.__func__)))
                    elif inspect.isfunction(value):
                        setattr(member, attr, once(value))

    finder = _PackageFinder(PACKAGE, ("*.tests", "*.tests.*", "*.test_*"), {})
    finder.instrument = instrument  # type: ignore[method-assign]
    sys.meta_path.insert(0, finder)


def pytest_configure(config: Any) -> None:
    if MODE == "runtime-hub":
        import runtime_hub

        runtime_hub.track_package(PACKAGE, classes=True)
    elif MODE == "wrapper":
        _instrument_with(_counting_wrapper)
    elif MODE == "otel":
        _instrument_with(_otel_wrapper())
    root = importlib.import_module(PACKAGE)
    for info in pkgutil.walk_packages(getattr(root, "__path__", []), PACKAGE + "."):
        if ".tests" not in info.name and ".test_" not in info.name:
            importlib.import_module(info.name)


def pytest_sessionstart(session: Any) -> None:
    state["wall0"], state["cpu0"] = time.perf_counter(), time.process_time()


def pytest_runtest_logreport(report: Any) -> None:
    if report.when == "call" or report.outcome != "passed":
        if state["outcomes"].get(report.nodeid, "passed") == "passed":
            state["outcomes"][report.nodeid] = report.outcome


def pytest_sessionfinish(session: Any) -> None:
    state["wall"] = time.perf_counter() - state["wall0"]
    state["cpu"] = time.process_time() - state["cpu0"]
    t0 = time.perf_counter()
    if MODE == "runtime-hub":
        import runtime_hub
        from runtime_hub._runtime import STATE

        transport = STATE.client.transport if STATE.client else None
        runtime_hub.shutdown(timeout=float(os.environ.get("BENCH_FLUSH_TIMEOUT", "30")))
        state["dropped"] = sum(transport.dropped().values()) if transport else 0
    elif MODE == "otel":
        state["provider"].shutdown()
    state["flush"] = time.perf_counter() - t0
    state["cpu_total"] = time.process_time() - state["cpu0"]
    out = {k: v for k, v in state.items() if k not in ("provider",)}
    with open(os.environ["BENCH_OUT"], "w", encoding="utf-8") as handle:
        json.dump(out, handle)
