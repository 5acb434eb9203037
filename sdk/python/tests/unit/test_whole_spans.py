"""Regression tests for issue 18: nothing lost silently, nothing left running.

Against the scriptable local hub (tests/unit/fakehub.py); tests/integration/test_real_libraries.py
checks the same on real libraries against the real hub."""

import json
import time

import runtime_hub
from runtime_hub import track
from runtime_hub._runtime import STATE

from .fakehub import FakeHub
from .test_http_transport import free_port, hub  # noqa: F401 - the fixture


def test_a_full_buffer_never_drops_the_end_of_a_call_it_let_in(hub):
    gate = {"open": False}
    # The hub answers slowly at first, so the buffer fills while parents are running.
    hub.reply = lambda path, body: (None if gate["open"] or path.endswith("heartbeat") else time.sleep(0.3))
    runtime_hub.configure(url=hub.url, service="whole", max_queue_spans=50, flush_interval=0.01)

    @track
    def leaf(i):
        return i

    @track
    def parent(n):
        time.sleep(0.02)  # its start goes out while it runs
        return [leaf(i) for i in range(n)]

    for _ in range(20):
        parent(10)
    gate["open"] = True
    runtime_hub.flush(10)
    transport = STATE.client.transport
    runtime_hub.shutdown(5)
    starts = {r["spanId"] for r in hub.records() if "endTime" not in r}
    ends = {r["spanId"]: r for r in hub.ended()}
    assert transport.dropped()  # the buffer did overflow
    assert starts <= set(ends)  # every start that was sent has its end
    for record in ends.values():  # and every stored child has its parent
        assert record["parentSpanId"] is None or record["parentSpanId"] in ends


def test_the_last_heartbeat_carries_the_final_drop_count(hub):
    runtime_hub.configure(url=hub.url, service="final-beat", max_queue_spans=10, flush_interval=30,
                          heartbeat_interval=3600)

    @track
    def step(i):
        return i

    for i in range(100):
        step(i)
    transport = STATE.client.transport
    runtime_hub.shutdown(5)
    dropped = transport.dropped()
    assert dropped.get("queue_full", 0) > 0
    assert hub.heartbeats()[-1].get("dropped") == dropped


def test_calls_still_running_at_shutdown_are_ended(hub):
    runtime_hub.configure(url=hub.url, service="open-at-exit", flush_interval=0.01)

    @track
    def produce():
        yield 1
        yield 2

    gen = produce()
    next(gen)
    assert runtime_hub.flush(5)
    runtime_hub.shutdown(5)
    ended = [r for r in hub.ended() if r["name"].endswith("produce")]
    assert len(ended) == 1 and ended[0]["attributes"]["runtime_hub.unfinished_at_shutdown"] is True
    gen.close()


def test_hub_down_and_buffer_full_records_nothing_until_it_answers():
    port = free_port()
    runtime_hub.configure(url=f"http://127.0.0.1:{port}", service="offline", max_queue_spans=20, flush_interval=0.01)
    captured = []

    class Payload:
        pass

    serializer = STATE.client.serializer
    original = serializer.capture_args

    def counting(*args, **kwargs):
        captured.append(1)
        return original(*args, **kwargs)

    STATE.client.serializer = type("Counting", (), {"capture_args": staticmethod(counting), "__getattr__": lambda self, n: getattr(serializer, n)})()

    @track
    def handle(payload):
        return 1

    try:
        for _ in range(200):
            handle(Payload())
        time.sleep(0.3)  # the transport has tried, and failed, to reach the hub
        before = len(captured)
        for _ in range(200):
            handle(Payload())
        assert len(captured) == before  # nothing serialized while nothing can be delivered
        assert STATE.client.transport.dropped().get("hub_unreachable", 0) >= 200
        hub = FakeHub(port)
        try:
            assert runtime_hub.flush(10)  # it answers: the buffer drains
            handle(Payload())
            assert len(captured) == before + 1  # and recording resumes
        finally:
            runtime_hub.shutdown(1)
            hub.stop()
    finally:
        runtime_hub.shutdown(0)


def test_a_record_the_hub_would_refuse_for_its_size_is_sent_without_its_payload(hub):
    # Control characters are escaped to six bytes each in JSON: the estimate (one byte each)
    # says the value fits in max_span_bytes, the written record would be ~4 MB.
    runtime_hub.configure(url=hub.url, service="too-big", max_string=1_000_000, max_span_bytes=768 * 1024)

    @track
    def store(blob):
        return len(blob)

    assert store("\x00" * 700_000) == 700_000
    assert runtime_hub.flush(10)
    record = hub.ended()[0]
    assert len(json.dumps(record).encode()) < 1024 * 1024  # the hub's limit
    assert "input" not in record and record["attributes"]["runtime_hub.payload_dropped"] == "record over 1 MiB"
    assert record["status"] == "ok" and record["endTime"]
