"""The hub pushes back (429 + Retry-After) while its writer is busy: the SDK waits and sends again.

The hub's writer is held by a real SQLite write lock taken from here, so its queue stays deep for
as long as the test needs; the hub runs with --max-write-backlog 10 (through its environment).
"""

import json
import sqlite3
import threading
import time
import urllib.request

from .hub import Hub, start_app, wait_for, write_app

APP = """
import os, sys, time
import runtime_hub


@runtime_hub.track
def step(i):
    return i + 1

# Connected first (the start heartbeat and a first span delivered; no other heartbeat for an
# hour), so that what follows is the spans batch alone: a heartbeat also waits for the writer.
step(0)
runtime_hub.flush(timeout=30)
print("ready", flush=True)
while not os.path.exists(os.environ["GO_FILE"]):
    time.sleep(0.02)
for i in range(1, 6):
    step(i)
print("delivered" if runtime_hub.flush(timeout=30) else "not delivered")
"""


def post_spans(url, spans):
    body = json.dumps({"spans": spans}).encode()
    request = urllib.request.Request(f"{url}/api/v1/spans", data=body, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return reply.status


def test_a_pushed_back_batch_is_sent_again_after_retry_after(tmp_path, monkeypatch):
    monkeypatch.setenv("RUNTIME_HUB_MAX_WRITE_BACKLOG", "10")
    hub = Hub(tmp_path / "hub").start()
    go = tmp_path / "go"
    try:
        process = start_app(write_app(tmp_path, "pushed_back_app", APP), hub.url, GO_FILE=str(go), RUNTIME_HUB_DEBUG="1", RUNTIME_HUB_HEARTBEAT_INTERVAL="3600")
        assert process.stdout.readline().strip() == "ready"
        db = sqlite3.connect(str(hub.data_dir / "hub.sqlite"), timeout=10, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")  # the hub's writer now waits (its busy timeout is 5 s)
        now = int(time.time() * 1000)
        held = [
            {"traceId": f"{i:032x}", "spanId": f"{i + 1:016x}", "service": "held", "name": "held", "startTime": now, "endTime": now + 1, "status": "ok"}
            for i in range(20)
        ]
        statuses = []
        sender = threading.Thread(target=lambda: statuses.append(post_spans(hub.url, held)))
        sender.start()
        time.sleep(0.5)  # the 20 held spans are in the writer's queue: more than 10
        # RUNTIME_HUB_DEBUG=1: the SDK's own debug lines on stderr say when a send was pushed back.
        err_lines = []
        reader = threading.Thread(target=lambda: err_lines.extend(iter(process.stderr.readline, "")))
        reader.start()
        go.write_text("go")
        # The writer gives up after its 5 s busy timeout: let it go within 3.5 s either way.
        wait_for(lambda: any("HTTP 429" in line for line in err_lines), timeout=3.5, interval=0.02)
        db.execute("COMMIT")
        db.close()
        out = process.stdout.read()
        process.wait(timeout=60)
        reader.join(timeout=10)
        sender.join(timeout=30)
        assert statuses == [200]
        assert any("HTTP 429" in line for line in err_lines), "".join(err_lines)
        assert out.strip().splitlines()[-1] == "delivered"
        spans = wait_for(lambda: (lambda s: s if len(s) == 6 else None)(hub.spans("pushed_back_app")), timeout=10)
        assert spans and sorted(s["output"] for s in spans) == [1, 2, 3, 4, 5, 6]
    finally:
        hub.stop()
