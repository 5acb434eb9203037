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
