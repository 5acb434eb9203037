"""The hub is down, or dies: the app never notices, spans are buffered, drops are counted."""

import re
import subprocess
import sys
import time

from .hub import Hub, app_env, free_port, run_app, start_app, wait_for, write_app

STEADY_APP = """
import sys, time
import runtime_hub

@runtime_hub.track
def step(i):
    return i * i

total = 0
deadline = time.monotonic() + float(sys.argv[1] if len(sys.argv) > 1 else {seconds})
calls = 0
while time.monotonic() < deadline:
    total += step(calls)
    calls += 1
    time.sleep(0.01)
print(calls, total)
sys.exit({exit_code})
"""


UNTIL_TOLD_APP = """
import os, sys, time
import runtime_hub

@runtime_hub.track
def step(i):
    return i * i

total = 0
calls = 0
while not os.path.exists(sys.argv[1]):
    total += step(calls)
    calls += 1
    time.sleep(0.01)
print(calls, total)
"""


def test_hub_down_at_start_then_up_10s_later_loses_nothing(tmp_path):
    port = free_port()
    # The app calls steadily until the test tells it to stop, which it does only once the hub is up
    # and the backlog has begun to arrive: on a loaded machine the hub can take seconds to start,
    # and what is tested is delivery of the backlog, not how long the app happened to run.
    stop_file = tmp_path / "stop"
    app = write_app(tmp_path, "late_hub_app", UNTIL_TOLD_APP)
    process = subprocess.Popen(
        [sys.executable, str(app), str(stop_file)],
        env=app_env(f"http://127.0.0.1:{port}"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(10)
    hub = Hub(tmp_path / "hub", port=port).start()
    try:
        assert wait_for(lambda: hub.spans("late_hub_app"), timeout=60), "the buffered spans never reached the hub"
        stop_file.touch()
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        calls = int(out.split()[0])
        assert calls > 500  # ten seconds of calls were buffered while the hub was down
        assert err == ""  # nothing was dropped, so nothing to report
        spans = wait_for(lambda: (lambda s: s if len(s) >= calls else None)(hub.spans("late_hub_app")), timeout=10)
        assert spans and len(spans) == calls
        assert sorted(s["input"]["i"] for s in spans) == list(range(calls))
        assert all(s["status"] == "ok" and s["endTime"] for s in spans)
        service = hub.service("late_hub_app")
        assert service and not any(i.get("dropped") for i in service["instances"])
    finally:
        if process.poll() is None:
            process.kill()
        hub.stop()


def test_hub_killed_mid_run_changes_nothing_for_the_app(tmp_path):
    hub = Hub(tmp_path / "hub").start()
    app = write_app(tmp_path, "killed_hub_app", STEADY_APP.format(seconds=4, exit_code=3))
    process = start_app(app, hub.url)
    try:
        assert wait_for(lambda: len(hub.spans("killed_hub_app")) > 20, timeout=10)
        hub.kill()
        out, err = process.communicate(timeout=60)
    finally:
        hub.kill()
    calls, total = map(int, out.split())
    assert total == sum(i * i for i in range(calls))  # the app's own results are untouched
    assert process.returncode == 3  # and so is its exit code
    match = re.search(r"runtime-hub: (\d+) span records were not delivered to http://\S+ \((.*)\)", err)
    assert match, err
    assert "hub_unreachable" in match.group(2)
    assert err.count("\n") == 1  # one line, nothing else
    hub.start()  # same data folder: what was acknowledged before the kill is still there
    try:
        stored = hub.spans("killed_hub_app")
        assert 20 < len(stored) < calls
        assert len(stored) + int(match.group(1)) >= calls  # every span stored or counted as dropped
    finally:
        hub.stop()


def test_forked_workers_deliver_their_spans(hub, tmp_path):
    app = write_app(
        tmp_path,
        "fork_app",
        """
        import multiprocessing as mp
        import os
        import runtime_hub
        from runtime_hub import track

        runtime_hub.configure(service="it-fork")

        @track
        def task(i):
            return (i, os.getpid())

        @track
        def main():
            task(0)
            pid = os.fork()
            if pid == 0:  # a bare fork, gunicorn style: flush before os._exit
                task(1)
                runtime_hub.flush(5)
                os._exit(0)
            os.waitpid(pid, 0)
            fork = mp.get_context("fork")
            process = fork.Process(target=task, args=(2,))
            process.start()
            process.join()
            pool = fork.Pool(2)
            print(sorted(r[0] for r in pool.map(task, [3, 4, 5])))
            pool.close()
            pool.join()
            spawned = mp.get_context("spawn").Process(target=task, args=(6,))
            spawned.start()
            spawned.join()
            print(runtime_hub.current_span().trace_id)

        if __name__ == "__main__":
            main()
        """,
    )
    # Python 3.12+ warns about forking a process that has threads (ours: the transport thread).
    result = run_app(app, hub.url, PYTHONWARNINGS="ignore::DeprecationWarning")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    lines = result.stdout.split()
    trace_id = lines[-1]
    spans = wait_for(lambda: (lambda s: s if len([x for x in s if x["name"] == "task"]) == 7 else None)(hub.spans("it-fork")), timeout=10)
    assert spans, [(s["name"], s.get("input"), s["endTime"]) for s in hub.spans("it-fork")]
    tasks = {s["input"]["i"]: s for s in spans if s["name"] == "task"}
    assert sorted(tasks) == list(range(7))
    pids = {tuple(s["output"])[1] for s in tasks.values()}
    assert len(pids) >= 4  # parent, bare fork, Process, pool workers, spawned child
    main_span = next(s for s in spans if s["name"] == "main")
    for i in range(6):  # forked children inherit the caller's context
        assert tasks[i]["traceId"] == trace_id and tasks[i]["parentSpanId"] == main_span["spanId"]
    assert tasks[6]["parentSpanId"] is None  # spawned: a fresh interpreter
    assert len({s["spanId"] for s in spans}) == len(spans)  # forks reseed the id generator
    service = wait_for(lambda: (lambda s: s if s and len(s["instances"]) >= 4 else None)(hub.service("it-fork")))
    assert service, hub.service("it-fork")
