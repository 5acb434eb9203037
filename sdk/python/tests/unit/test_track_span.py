"""`track_span` blocks, sync and async, and the Span API."""

import math

import pytest

import runtime_hub
from runtime_hub import track, track_span


def test_block_with_attributes_output_and_events(spans):
    with track_span("load", kind="tool", attributes={"catalog.id": 7}, input={"q": "shoes"}) as span:
        span.set_attribute("rows", 3)
        span.set_attribute("tags", ["a", "b"])
        span.set_attribute("ratio", math.nan)
        span.set_attribute("obj", {"x": 1})
        span.add_event("cache miss", {"key": "k"})
        span.set_output({"count": 3})
    record = spans.finished()[0]
    assert record["name"] == "load" and record["kind"] == "tool" and record["status"] == "ok"
    assert record["input"] == {"q": "shoes"} and record["output"] == {"count": 3}
    attributes = record["attributes"]
    assert attributes["catalog.id"] == 7 and attributes["rows"] == 3 and attributes["tags"] == ["a", "b"]
    assert attributes["ratio"] == "nan" and isinstance(attributes["obj"], str)
    assert record["events"][0]["name"] == "cache miss" and record["events"][0]["attributes"] == {"key": "k"}


def test_exception_in_block_is_recorded_and_reraised(spans):
    with pytest.raises(ZeroDivisionError):
        with track_span("divide"):
            1 / 0
    record = spans.finished()[0]
    assert record["status"] == "error" and record["error"]["type"] == "ZeroDivisionError"


def test_record_error_without_raising(spans):
    with track_span("tolerant") as span:
        try:
            raise TimeoutError("slow")
        except TimeoutError as exc:
            span.record_error(exc)
    record = spans.finished()[0]
    assert record["status"] == "error" and record["error"]["message"] == "slow"


def test_set_status(spans):
    with track_span("explicit") as span:
        span.set_status("error")
        span.set_status("bogus")
    assert spans.finished()[0]["status"] == "error"


async def test_async_block(spans):
    async with track_span("async block", kind="agent") as span:
        span.set_output("done")

        @track
        async def inner():
            return 1

        await inner()
    records = {r["name"]: r for r in spans.finished()}
    assert records["async block"]["kind"] == "agent"
    inner = next(r for n, r in records.items() if n.endswith("inner"))
    assert inner["parentSpanId"] == records["async block"]["spanId"]


def test_bad_kind_warns_and_falls_back(spans):
    with pytest.warns(RuntimeWarning):
        with track_span("x", kind="bogus"):
            pass
    assert spans.finished()[0]["kind"] == "function"


def test_span_ids_and_repr(spans):
    with track_span("ids") as span:
        assert len(span.trace_id) == 32 and len(span.span_id) == 16 and span.parent_span_id is None
        assert "ids" in repr(span)
        assert span.is_recording
    assert not span.is_recording


def test_noop_when_disabled():
    runtime_hub.configure(enabled=False)
    try:
        with track_span("off") as span:
            span.set_attribute("a", 1)
            span.set_output(1)
            span.record_error(ValueError())
            span.add_event("e")
        assert not span.is_recording
    finally:
        runtime_hub.shutdown()
