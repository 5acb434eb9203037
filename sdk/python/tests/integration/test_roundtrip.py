"""Real programs using the SDK, a real hub: what arrives, how it nests, what it looks like."""

import time

from .hub import run_app, start_app, wait_for, write_app


def by_name(spans):
    out = {}
    for span in spans:
        out.setdefault(span["name"].rsplit(".", 1)[-1], []).append(span)
    return out


def test_nested_spans_arrive_with_correct_nesting(hub, tmp_path):
    app = write_app(
        tmp_path,
        "nesting_app",
        """
        import asyncio
        import runtime_hub
        from runtime_hub import track, track_span

        runtime_hub.configure(service="it-nesting")

        @track
        def leaf(x):
            return x * 2

        @track
        def branch(n):
            return [leaf(i) for i in range(n)]

        @track
        def fails(order_id, password):
            raise ValueError(f"order {order_id} is broken")

        @track
        async def async_child(i):
            await asyncio.sleep(0.01)
            return i

        @track(kind="agent")
        async def async_root():
            return await asyncio.gather(*(async_child(i) for i in range(3)))

        @track
        def numbers(n):
            yield from range(n)

        @track
        def main():
            branch(3)
            try:
                fails(7, "hunter2")
            except ValueError:
                pass
            asyncio.run(async_root())
            with track_span("block", kind="tool") as span:
                span.set_attribute("rows", 3)
            total = sum(numbers(4))
            print(runtime_hub.current_span().trace_id)
            return total

        assert main() == 6
        """,
    )
    result = run_app(app, hub.url)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    trace_id = result.stdout.strip()
    spans = wait_for(lambda: (lambda s: s if len(s) == 12 and all(x["endTime"] for x in s) else None)(hub.trace(trace_id)))
    assert spans, hub.trace(trace_id)
    named = by_name(spans)
    ids = {s["spanId"]: s for s in spans}
    main = named["main"][0]
    assert main["parentSpanId"] is None and main["output"] == 6 and main["service"] == "it-nesting"
    assert named["branch"][0]["parentSpanId"] == main["spanId"]
    assert [ids[s["parentSpanId"]]["name"] for s in named["leaf"]] == ["branch"] * 3
    assert sorted(s["output"] for s in named["leaf"]) == [0, 2, 4]
    fails = named["fails"][0]
    assert fails["status"] == "error" and fails["input"] == {"order_id": 7, "password": "[REDACTED]"}
    assert fails["error"]["type"] == "ValueError" and fails["error"]["message"] == "order 7 is broken"
    assert fails["error"]["frames"][-1]["function"] == "fails" and "raise ValueError" in fails["error"]["stack"]
    root = named["async_root"][0]
    assert root["kind"] == "agent" and root["parentSpanId"] == main["spanId"]
    assert all(s["parentSpanId"] == root["spanId"] for s in named["async_child"])
    assert named["block"][0]["kind"] == "tool" and named["block"][0]["attributes"]["rows"] == 3
    assert named["numbers"][0]["output"] == [0, 1, 2, 3]
    assert all(s["endTime"] >= s["startTime"] for s in spans)


def test_a_slow_call_shows_as_running_then_completes(hub, tmp_path):
    app = write_app(
        tmp_path,
        "slow_app",
        """
        import time
        import runtime_hub

        runtime_hub.configure(service="it-running")

        @runtime_hub.track
        def slow(seconds):
            time.sleep(seconds)
            return "done"

        slow(3)
        """,
    )
    process = start_app(app, hub.url)
    try:
        running = wait_for(lambda: [s for s in hub.spans("it-running") if s["endTime"] is None], timeout=2.5, interval=0.05)
        assert running and process.poll() is None
        assert running[0]["name"] == "slow" and running[0]["input"] == {"seconds": 3}
    finally:
        process.wait(30)
    assert process.returncode == 0
    done = wait_for(lambda: [s for s in hub.spans("it-running") if s["endTime"]])
    assert done and done[0]["status"] == "ok" and done[0]["output"] == "done"
    assert done[0]["endTime"] - done[0]["startTime"] >= 2900


def test_the_app_is_shown_online(hub, tmp_path):
    app = write_app(
        tmp_path,
        "presence_app",
        """
        import os, time, runtime_hub
        runtime_hub.configure(service="it-presence")
        print(os.getpid(), flush=True)
        time.sleep(1.5)
        """,
    )
    process = start_app(app, hub.url)
    try:
        pid = int(process.stdout.readline())
        service = wait_for(lambda: (lambda s: s if s and s["online"] else None)(hub.service("it-presence")), timeout=5)
        assert service and service["language"] == "python" and service["sdk"].startswith("runtime-hub-python/")
        assert [i["pid"] for i in service["instances"]] == [pid]
    finally:
        process.wait(30)


def test_a_script_that_exits_right_after_a_call_delivers_it(hub, tmp_path):
    app = write_app(
        tmp_path,
        "oneshot",
        """
        import runtime_hub

        @runtime_hub.track
        def once(x):
            return x + 1

        print(once(41))
        """,
    )
    start = time.monotonic()
    result = run_app(app, hub.url)
    assert result.stdout.strip() == "42" and result.returncode == 0 and result.stderr == ""
    assert time.monotonic() - start < 5
    spans = hub.spans("oneshot")  # the service defaults to the script name
    assert [(s["name"], s["output"], s["status"]) for s in spans] == [("once", 42, "ok")]


def test_a_disabled_app_sends_nothing(hub, tmp_path):
    app = write_app(
        tmp_path,
        "disabled_app",
        """
        import runtime_hub

        @runtime_hub.track
        def f():
            return 1

        print(f())
        """,
    )
    result = run_app(app, hub.url, RUNTIME_HUB_ENABLED="0")
    assert result.stdout.strip() == "1" and result.returncode == 0
    time.sleep(0.3)
    assert hub.service("disabled_app") is None and hub.spans("disabled_app") == []
