"""Re-invoking a function in the running app (docs/replay.md): a real hub process, a real Python
app that opens the channel (configure(invocable=True)) and keeps running, and the HTTP API the
dashboard's "Re-invoke" action uses."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest

from .hub import Hub, app_env, wait_for, write_app

APP = """
import sys, time
import runtime_hub
from runtime_hub import track

runtime_hub.configure(service="invoke-app", invocable=True)

@track(invocable=True)
def price(sku: str, qty: int, *, discount: float = 0.0) -> dict:
    if qty < 0:
        raise ValueError(f"qty must be >= 0, got {qty}")
    return {"sku": sku, "total": round(qty * 2.5 * (1 - discount), 2)}

@track
def not_offered(x):
    return x

price("A", 2)
not_offered(1)
runtime_hub.flush()
print("ready", flush=True)
time.sleep(120)
"""


def post(hub: Hub, path: str, body: Dict[str, Any]) -> Tuple[int, Any]:
    request = urllib.request.Request(hub.url + path, data=json.dumps(body).encode(), headers={"content-type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture()
def app(hub: Hub, tmp_path: Path):
    path = write_app(tmp_path, "invoke_app", APP)
    process = subprocess.Popen([sys.executable, str(path)], env=app_env(hub.url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready", process.stderr.read() if process.poll() is not None else ""
    yield process
    process.kill()
    process.wait()


def test_a_recorded_call_is_re_invoked_in_the_running_app_with_edited_arguments(hub: Hub, app) -> None:
    original = wait_for(lambda: next(s for s in hub.spans("invoke-app") if s["name"] == "price" and s["endTime"]), timeout=20)
    assert wait_for(lambda: any(f["name"] == "price" for f in hub.get("/api/v1/invocable?service=invoke-app")["functions"]), timeout=20)

    status, body = post(hub, "/api/v1/invocations", {"spanId": original["spanId"], "args": {"sku": "B", "qty": 3, "discount": 0.5}})
    assert status == 202, body
    invocation = hub.get(f"/api/v1/invocations/{body['invocation']['id']}?waitMs=20000")["invocation"]

    assert invocation["status"] == "done" and invocation["result"]["status"] == "ok"
    assert invocation["result"]["output"] == {"sku": "B", "total": 3.75}
    assert invocation["requestedBy"]["address"] == "127.0.0.1"
    # The result is a new span linked to the original, saying who asked; the call itself under it.
    spans = wait_for(lambda: (lambda t: t if len(t) == 2 and all(s["endTime"] for s in t) else None)(hub.trace(invocation["result"]["traceId"])), timeout=20)
    invoke = next(s for s in spans if s["name"] == "invoke price")
    call = next(s for s in spans if s["name"] == "price")
    assert invoke["attributes"]["runtime_hub.invoke.of"] == original["spanId"]
    assert invoke["attributes"]["runtime_hub.invoke.requested_by"] == "127.0.0.1"
    assert call["parentSpanId"] == invoke["spanId"] and call["output"] == {"sku": "B", "total": 3.75}
    assert hub.get(f"/api/v1/invocations?spanId={original['spanId']}")["invocations"][0]["id"] == invocation["id"]

    status, body = post(hub, "/api/v1/invocations", {"spanId": original["spanId"], "args": {"sku": "B", "qty": -1}})
    failed = hub.get(f"/api/v1/invocations/{body['invocation']['id']}?waitMs=20000")["invocation"]
    assert failed["result"]["status"] == "error" and failed["result"]["error"] == {"type": "ValueError", "message": "qty must be >= 0, got -1"}
    assert app.poll() is None  # the app keeps running


def test_a_function_that_is_not_invocable_is_refused_with_409(hub: Hub, app) -> None:
    span = wait_for(lambda: next(s for s in hub.spans("invoke-app") if s["name"] == "not_offered"), timeout=20)
    status, body = post(hub, "/api/v1/invocations", {"spanId": span["spanId"], "args": {"x": 2}})
    assert status == 409 and body["error"]["code"] == "NOT_INVOCABLE"
