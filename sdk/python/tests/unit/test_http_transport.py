"""The HTTP transport against a scriptable local server: batching, retries, limits, shutdown."""

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import runtime_hub
from runtime_hub import track, track_span
from runtime_hub._runtime import STATE

from .fakehub import FakeHub


@pytest.fixture
def hub():
    server = FakeHub()
    yield server
    runtime_hub.shutdown(0.5)
    server.stop()


def configure(hub, **options):
    options.setdefault("service", "transport-test")
    options.setdefault("flush_interval", 0.05)
    runtime_hub.configure(url=hub.url, **options)


@track
def work(i):
    return i * 2


def test_spans_and_heartbeat_arrive(hub):
    configure(hub, token="secret-token")
    assert hub.wait_for(lambda: hub.heartbeats())  # sent as soon as the transport starts
    beat = hub.heartbeats()[0]
    assert beat["service"] == "transport-test" and beat["language"] == "python" and beat["pid"] == os.getpid()
    assert beat["sdk"]["name"] == "runtime-hub-python" and beat["runtimeVersion"].count(".") == 2
    assert len(beat["instanceId"]) == 16 and beat["host"]
    for i in range(5):
        work(i)
    assert runtime_hub.flush(5)
    ended = hub.ended()
    assert [r["output"] for r in ended] == [0, 2, 4, 6, 8]
    assert all(r["service"] == "transport-test" for r in ended)
    request = hub.span_requests()[0]
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    assert request["headers"]["User-Agent"].startswith("runtime-hub-python/")


def test_large_batches_are_gzipped_and_split_by_count(hub):
    configure(hub, flush_interval=10, compression="gzip")
    for i in range(350):
        work(i)
    assert runtime_hub.flush(5)
    requests = hub.span_requests()
    assert sum(len(r["body"]["spans"]) for r in requests) == 350
    assert requests[0]["headers"].get("Content-Encoding") == "gzip"
    assert len(requests) <= 4  # batches, not one request per span


def test_batches_respect_the_byte_limit(hub):
    configure(hub, flush_interval=10, batch_bytes=64 * 1024, max_string=10_000)

    @track
    def echo(text):
        return text

    for _ in range(40):
        echo("x" * 8000)
    assert runtime_hub.flush(5)
    sizes = [len(r["body"]["spans"]) for r in hub.span_requests()]
    assert sum(sizes) == 40 and max(sizes) <= 5


def test_a_running_call_is_visible_before_it_ends(hub):
    configure(hub)
    release = threading.Event()

    @track
    def slow():
        release.wait(5)

    thread = threading.Thread(target=slow)
    thread.start()
    try:
        assert hub.wait_for(lambda: any(r["name"].endswith("slow") for r in hub.records()), 3)
        start = next(r for r in hub.records() if r["name"].endswith("slow"))
        assert start["status"] == "unset" and "endTime" not in start
    finally:
        release.set()
        thread.join()
    assert runtime_hub.flush(5)
    assert any(r["name"].endswith("slow") and r["status"] == "ok" for r in hub.ended())


def test_fast_calls_send_one_record(hub):
    configure(hub, flush_interval=10)
    for i in range(10):
        work(i)
    runtime_hub.flush(5)
    assert len(hub.records()) == 10


def test_retry_after_is_honoured(hub):
    calls = []

    def busy_then_ok(path, body):
        if path != "/api/v1/spans":
            return None
        calls.append(time.monotonic())
        if len(calls) == 1:
            return 503, {"Retry-After": "0.3"}, {"error": {"code": "BUSY", "message": "busy"}}
        if len(calls) == 2:
            return 429, {}, {}
        return None

    hub.reply = busy_then_ok
    configure(hub)
    work(1)
    assert runtime_hub.flush(5)
    assert len(calls) == 3 and calls[1] - calls[0] >= 0.28
    assert [r["output"] for r in hub.ended()] == [2]
    assert STATE.client.transport.dropped() == {}


def test_413_splits_the_batch(hub):
    def small_bodies_only(path, body):
        if path == "/api/v1/spans" and len(body["spans"]) > 2:
            return 413, {}, {"error": {"code": "TOO_LARGE", "message": "too large"}}
        return None

    hub.reply = small_bodies_only
    configure(hub, flush_interval=10)
    for i in range(9):
        work(i)
    assert runtime_hub.flush(5)
    assert sorted(r["output"] for r in hub.ended()) == [i * 2 for i in range(9)]


def test_rejections_are_counted(hub):
    def reject(path, body):
        if path != "/api/v1/spans":
            return None
        if len(hub.span_requests()) == 1:
            return 400, {}, {"error": {"code": "BAD", "message": "bad"}}
        return 200, {}, {"accepted": 0, "rejected": [{"index": 0, "code": "X", "message": "m"}]}

    hub.reply = reject
    configure(hub)
    work(1)
    runtime_hub.flush(5)
    work(2)
    runtime_hub.flush(5)
    assert STATE.client.transport.dropped() == {"rejected": 2}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_buffer_while_the_hub_is_down_then_deliver():
    port = free_port()
    runtime_hub.configure(url=f"http://127.0.0.1:{port}", service="late", flush_interval=0.05)
    try:
        for i in range(50):
            work(i)
        assert not runtime_hub.flush(0.3)  # nothing to talk to yet
        hub = FakeHub(port)
        try:
            assert runtime_hub.flush(10)
            assert sorted(r["output"] for r in hub.ended()) == [i * 2 for i in range(50)]
            assert STATE.client.transport.dropped() == {}
        finally:
            runtime_hub.shutdown(0.5)
            hub.stop()
    finally:
        runtime_hub.shutdown(0)


def test_full_buffer_drops_new_calls_whole(capsys):
    runtime_hub.configure(url=f"http://127.0.0.1:{free_port()}", service="full", max_queue_spans=20)
    transport = STATE.client.transport

    @track
    def fails():
        raise ValueError("x")

    for i in range(30):
        work(i)
    for _ in range(3):
        with pytest.raises(ValueError):
            fails()
    dropped = transport.dropped()
    assert sum(dropped.values()) == 13  # 20 fit; the later calls were not let in
    assert transport.pending() <= 20
    runtime_hub.shutdown(0.2)
    err = capsys.readouterr().err
    assert "span records were not delivered" in err and "hub_unreachable" in err


def test_the_app_is_never_blocked_by_a_hanging_hub(hub):
    hub.reply = lambda path, body: time.sleep(2) or None
    configure(hub, request_timeout=5)
    start = time.perf_counter()
    for i in range(2000):
        work(i)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0


def test_the_transport_never_traces_its_own_requests(hub):
    from runtime_hub.transport._sender import Sender

    original = Sender.post
    runtime_hub.track_class(Sender, include=["post"])  # as if the app tracked what we call
    try:
        configure(hub)
        work(1)
        assert runtime_hub.flush(5)
        assert [r["name"] for r in hub.records()] == [work.__qualname__]
    finally:
        Sender.post = original


def test_os_fork_child_delivers_its_own_spans(hub):
    if not hasattr(os, "fork"):
        pytest.skip("no fork")
    configure(hub)
    work(1)
    runtime_hub.flush(5)
    pid = os.fork()
    if pid == 0:  # child
        try:
            with track_span("in child"):
                pass
            ok = runtime_hub.flush(5)
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert status == 0
    assert hub.wait_for(lambda: any(r["name"] == "in child" for r in hub.ended()))
    pids = {beat["pid"] for beat in hub.heartbeats()}
    assert pids == {os.getpid(), pid}
    assert len({beat["instanceId"] for beat in hub.heartbeats()}) == 2
    assert [r["output"] for r in hub.ended() if r["name"] == work.__qualname__] == [2]  # not resent


def test_exit_flushes_and_reports_drops(hub, tmp_path):
    script = tmp_path / "short.py"
    script.write_text(
        textwrap.dedent(
            """
            import runtime_hub

            @runtime_hub.track
            def once(x):
                return x + 1

            print(once(41))
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNTIME_HUB_")}
    result = subprocess.run([sys.executable, str(script)], env={**env, "RUNTIME_HUB_URL": hub.url}, capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "42" and result.returncode == 0 and result.stderr == ""
    assert [r["output"] for r in hub.ended()] == [42]

    env["RUNTIME_HUB_URL"] = f"http://127.0.0.1:{free_port()}"
    start = time.monotonic()
    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "42" and result.returncode == 0
    assert time.monotonic() - start < 6  # the exit flush gives up after shutdown_timeout (2 s)
    assert "1 span records were not delivered" in result.stderr and "hub_unreachable: 1" in result.stderr


def test_a_bug_in_one_batch_does_not_stop_delivery(hub):
    configure(hub)
    transport = STATE.client.transport
    original = transport._wire.record
    calls = []

    def flaky(span, final):
        calls.append(span)
        if len(calls) == 1:
            raise RuntimeError("bug")
        return original(span, final)

    transport._wire.record = flaky
    work(1)
    assert runtime_hub.flush(5)
    work(2)
    assert runtime_hub.flush(5)
    assert [r["output"] for r in hub.ended()] == [4]
    assert transport.dropped() == {"encode_error": 1}


def test_an_auth_failure_is_reported_once(hub, recwarn):
    hub.reply = lambda path, body: (401, {}, {"error": {"code": "UNAUTHORIZED", "message": "token required"}})
    configure(hub)
    work(1)
    runtime_hub.flush(5)
    work(2)
    runtime_hub.flush(5)
    messages = [str(w.message) for w in recwarn if "RUNTIME_HUB_TOKEN" in str(w.message)]
    assert len(messages) == 1 and "token required" in messages[0]
    assert STATE.client.transport.dropped() == {"rejected": 2}


def test_rejections_beyond_the_listed_hundred_are_counted(hub):
    # The hub lists the first 100 rejections and gives the total as rejectedCount.
    listed = [{"index": i, "code": "X", "message": "m"} for i in range(100)]
    hub.reply = lambda path, body: (200, {}, {"accepted": 0, "rejected": listed, "rejectedCount": 250}) if path == "/api/v1/spans" else None
    configure(hub)
    work(1)
    runtime_hub.flush(5)
    assert STATE.client.transport.dropped() == {"rejected": 250}
