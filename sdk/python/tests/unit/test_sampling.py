"""Sampling: roots by the global rate; a per-function rate thins that function and its subtree."""

import runtime_hub
from runtime_hub import track, track_span


def test_rate_zero_records_nothing_including_children(spans):
    runtime_hub.configure(transport=spans, sample_rate=0.0)

    @track
    def child():
        return 1

    @track
    def root():
        return child()

    assert root() == 1
    with track_span("block") as span:
        assert not span.is_recording
        child()
    assert spans.records == []


def test_partial_rate_keeps_whole_traces(spans):
    runtime_hub.configure(transport=spans, sample_rate=0.5)

    @track
    def child():
        pass

    @track
    def root():
        child()

    for _ in range(400):
        root()
    finished = spans.finished()
    roots = [r for r in finished if r["parentSpanId"] is None]
    assert 120 < len(roots) < 280
    assert len(finished) == 2 * len(roots)  # every kept root has its child


def test_per_function_rate_inside_a_sampled_trace(spans):
    @track(sample_rate=0.0)
    def noisy():
        inner()

    @track
    def inner():
        pass

    @track
    def root():
        noisy()

    root()
    assert [r["name"].rsplit(".", 1)[-1] for r in spans.finished()] == ["root"]


def test_invalid_per_function_rate_is_ignored(spans):
    import pytest

    with pytest.warns(RuntimeWarning):

        @track(sample_rate=3)
        def f():
            pass

    f()
    assert len(spans.finished()) == 1


def test_max_per_second_keeps_whole_traces(spans):
    @track
    def leaf():
        pass

    @track(max_per_second=5)
    def handler():
        leaf()

    for _ in range(200):  # a burst far above the limit
        handler()
    finished = spans.finished()
    handlers = [r for r in finished if r["name"].endswith("handler")]
    leaves = [r for r in finished if r["name"].endswith("leaf")]
    assert 1 <= len(handlers) <= 7  # one second's worth, plus what refills during the loop
    assert {r["parentSpanId"] for r in leaves} == {r["spanId"] for r in handlers}  # whole traces
    assert spans.dropped() == {}  # rate limiting is sampling, not loss


def test_configured_max_per_second_applies_to_every_function(spans):
    runtime_hub.configure(transport=spans, max_per_second=3)

    @track
    def a():
        pass

    @track
    def b():
        pass

    for _ in range(100):
        a()
        b()
    names = [r["name"].rsplit(".", 1)[-1] for r in spans.finished()]
    assert 1 <= names.count("a") <= 5 and 1 <= names.count("b") <= 5
