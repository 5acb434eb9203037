"""The transport's direct JSON writer produces exactly the records of the dict path."""

import json

import pytest

import runtime_hub
from runtime_hub import _record, track, track_span
from runtime_hub._redact import Redactor
from runtime_hub.transport.base import Transport
from runtime_hub.transport._wire import WireEncoder


class KeepSpans(Transport):
    def __init__(self):
        self.spans = []

    def span_started(self, span):
        pass

    def span_ended(self, span):
        self.spans.append(span)


@pytest.fixture
def kept():
    transport = KeepSpans()
    runtime_hub.configure(service="wire-ü", transport=transport, max_span_bytes=2048, max_string=5000)
    yield transport.spans
    runtime_hub.shutdown()


def test_wire_matches_the_dict_record(kept):
    @track
    def leaf(x, password=None):
        runtime_hub.current_span().set_attribute("secret_key", "k")
        runtime_hub.current_span().set_attribute("rows", 3)
        return {"x": x, "text": "日本語 \"quoted\" \n"}

    @track(kind="tool")
    def numbers():
        yield from range(3)

    @track
    def broken():
        try:
            raise KeyError("inner")
        except KeyError as exc:
            raise ValueError("outer") from exc

    @track
    def big(n):
        return "y" * n

    with track_span("root", session_id="s-1", attributes={"tags": ["a", "b"]}) as span:
        span.add_event("started", {"n": 1})
        leaf(1, password="p")
        list(numbers())
        with pytest.raises(ValueError):
            broken()
        big(4000)
    redactor = Redactor()
    encoder = WireEncoder("wire-ü", 2048, redactor)
    assert len(kept) == 5
    for span in kept:
        for final in (False, True):
            expected = _record.build(span, "wire-ü", final, 2048, redactor)
            actual = json.loads(encoder.record(span, final))
            assert actual == expected
            assert json.loads(encoder.record(span, final)) == expected  # the cached template again
