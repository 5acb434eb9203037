"""@track on every kind of callable: the wrapper keeps the callable's nature and records a span."""

import asyncio
import inspect

import pytest

import runtime_hub
from runtime_hub import track


def test_plain_function_records_input_output_and_timing(spans):
    @track
    def add(a, b=2, *rest, scale=1, **extra):
        return (a + b + sum(rest)) * scale

    assert add(1, 2, 3, scale=2, note="x") == 12
    record = spans.by_name("test_plain_function_records_input_output_and_timing.<locals>.add")
    assert record["input"] == {"a": 1, "b": 2, "rest": [3], "scale": 2, "note": "x"}
    assert record["output"] == 12
    assert record["status"] == "ok"
    assert record["kind"] == "function"
    assert record["endTime"] >= record["startTime"]
    assert record["attributes"]["code.function"].endswith("add")
    assert record["attributes"]["code.lineno"] > 0
    assert record["attributes"]["code.filepath"].endswith("test_track_kinds.py")
    assert isinstance(record["attributes"]["thread.id"], int)
    assert len(record["traceId"]) == 32 and len(record["spanId"]) == 16
    assert record["parentSpanId"] is None


def test_start_record_is_sent_before_the_call_runs(spans):
    seen = []

    @track
    def slow():
        seen.extend(spans.started())
        return 1

    slow()
    assert len(seen) == 1 and "endTime" not in seen[0] and seen[0]["status"] == "unset"
    assert seen[0]["spanId"] == spans.finished()[0]["spanId"]


def test_decorator_with_options_and_positional_name(spans):
    @track(name="custom", kind="tool", capture_args=False, capture_result=False)
    def f(x):
        return x

    @track("named")
    def g():
        return 1

    f(1)
    g()
    record = spans.by_name("custom")
    assert record["kind"] == "tool" and "input" not in record and "output" not in record
    assert spans.by_name("named") is not None


def test_wrapper_keeps_metadata_and_nature():
    def sync(a):
        """doc"""

    async def coro():
        pass

    def gen():
        yield 1

    async def agen():
        yield 1

    assert track(sync).__doc__ == "doc" and track(sync).__name__ == "sync"
    assert track(sync).__wrapped__ is sync
    assert inspect.signature(track(sync)) == inspect.signature(sync)
    assert inspect.iscoroutinefunction(track(coro))
    assert inspect.isgeneratorfunction(track(gen))
    assert inspect.isasyncgenfunction(track(agen))


def test_tracking_twice_is_a_no_op():
    tracked = track(lambda: 1)
    assert track(tracked) is tracked


def test_methods_classmethods_staticmethods(spans):
    class Cart:
        def __init__(self):
            self.items = [1, 2]

        @track
        def total(self, tax):
            return sum(self.items) + tax

        @track
        @classmethod
        def empty(cls):
            return cls()

        @classmethod
        @track
        def inner_classmethod(cls, n):
            return n

        @track
        @staticmethod
        def price(sku):
            return 10

    assert Cart().total(1) == 4
    assert isinstance(Cart.empty(), Cart)
    assert Cart.inner_classmethod(5) == 5
    assert Cart.price("a") == 10 and Cart().price("b") == 10
    names = [r["name"] for r in spans.finished()]
    assert any(n.endswith("Cart.total") for n in names)
    total = next(r for r in spans.finished() if r["name"].endswith("Cart.total"))
    assert total["input"] == {"tax": 1}  # self is not recorded
    assert next(r for r in spans.finished() if r["name"].endswith("inner_classmethod"))["input"] == {"n": 5}
    assert next(r for r in spans.finished() if r["name"].endswith("Cart.price"))["input"] == {"sku": "a"}


def test_track_on_a_class_tracks_its_methods(spans):
    @track
    class Service:
        def run(self, x):
            return self._helper(x)

        def _helper(self, x):
            return x * 2

        @property
        def prop(self):
            return 1

    assert Service().run(2) == 4
    assert Service().prop == 1
    names = sorted(r["name"].rsplit(".", 1)[-1] for r in spans.finished())
    assert names == ["_helper", "run"]


async def test_coroutine(spans):
    @track
    async def fetch(url):
        await asyncio.sleep(0)
        return {"url": url}

    assert await fetch("http://x") == {"url": "http://x"}
    record = spans.finished()[0]
    assert record["output"] == {"url": "http://x"} and record["status"] == "ok"


async def test_coroutine_cancelled_is_recorded_and_propagates(spans):
    @track
    async def wait():
        await asyncio.sleep(10)

    task = asyncio.ensure_future(wait())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    record = spans.finished()[0]
    assert record["status"] == "error" and record["error"]["type"].endswith("CancelledError")


def test_exception_is_reraised_unchanged(spans):
    class Boom(Exception):
        pass

    error = Boom("bad input", 42)

    @track
    def fail():
        raise error

    with pytest.raises(Boom) as info:
        fail()
    assert info.value is error and info.value.args == ("bad input", 42)
    record = spans.finished()[0]
    assert record["status"] == "error"
    assert record["error"]["type"].endswith("Boom")
    assert record["error"]["message"] == "('bad input', 42)"
    frames = record["error"]["frames"]
    assert frames[-1]["function"] == "fail" and frames[-1]["inApp"] is True
    assert all("runtime_hub" not in f["file"] for f in frames)
    assert "raise error" in record["error"]["stack"]


def test_exception_chain_is_in_the_stack(spans):
    @track
    def convert(text):
        try:
            return int(text)
        except ValueError as exc:
            raise RuntimeError("could not convert") from exc

    with pytest.raises(RuntimeError):
        convert("x")
    stack = spans.finished()[0]["error"]["stack"]
    assert "ValueError: invalid literal" in stack
    assert "direct cause" in stack and stack.rstrip().endswith("RuntimeError: could not convert")


def test_library_frames_are_not_in_app(spans):
    import json

    @track
    def parse(text):
        return json.loads(text)

    with pytest.raises(ValueError):
        parse("{")
    frames = spans.finished()[0]["error"]["frames"]
    assert frames[0]["inApp"] is True
    assert frames[-1]["inApp"] is False and "json" in frames[-1]["file"]


def test_system_exit_zero_is_not_an_error(spans):
    @track
    def main():
        raise SystemExit(0)

    with pytest.raises(SystemExit):
        main()
    assert spans.finished()[0]["status"] == "ok"


def test_non_callable_is_left_alone():
    with pytest.warns(RuntimeWarning):
        assert track(5) == 5  # type: ignore[call-overload]


def test_disabled_sdk_calls_through(spans):
    runtime_hub.configure(enabled=False)

    @track
    def f(x):
        return x + 1

    assert f(1) == 2
    assert spans.records == []


def test_partials_and_callable_objects(spans):
    import functools

    def scale(factor, value):
        return factor * value

    class Doubler:
        def __call__(self, value):
            return value * 2

    double = track(functools.partial(scale, 2))
    assert double(4) == 8
    assert track(Doubler())(5) == 10
    names = [r["name"] for r in spans.finished()]
    assert names[0].endswith("scale") and names[1].endswith("Doubler")
    assert spans.finished()[0]["input"] == {"value": 4}
    assert spans.finished()[1]["attributes"]["code.lineno"] > 0
