"""Recorded calls -> a generated pytest file (docs/replay.md): the generated tests pass against the
unchanged code and fail once the function's behaviour changes; what cannot be rebuilt is skipped
with a reason. A real hub process, a real Python app, a real pytest run of the generated file."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path
from typing import Any, Dict, List

from .hub import Hub, app_env, wait_for

PRICING = '''
from runtime_hub import track


@track(replay=True)
def total(items, tax=0.1):
    return {"sum": round(sum(i["price"] * i["qty"] for i in items) * (1 + tax), 2), "lines": len(items)}


@track
def parse_qty(text):
    if not text.isdigit():
        raise ValueError(f"not a number: {text!r}")
    return int(text)


@track
def label(sku):
    return sku.upper()
'''

APP = '''
import runtime_hub
import pricing

runtime_hub.configure(service="gen-app")
pricing.total([{"price": 2.5, "qty": 2}])
pricing.total([{"price": 1.0, "qty": 3}, {"price": 4.0, "qty": 1}], tax=0.2)
pricing.parse_qty("12")
try:
    pricing.parse_qty("twelve")
except ValueError:
    pass
pricing.label("sku-" + "x" * 2000)
pricing.label("abc")
'''


def generate(hub: Hub, span_id: str) -> Dict[str, Any]:
    request = urllib.request.Request(hub.url + "/api/v1/replay/tests", data=json.dumps({"spanId": span_id}).encode(), headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def run_pytest(folder: Path, test_file: Path) -> subprocess.CompletedProcess:
    env = {**app_env("http://127.0.0.1:9"), "PYTHONPATH": str(folder), "RUNTIME_HUB_ENABLED": "0"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(test_file)], cwd=folder, env=env, capture_output=True, text=True, timeout=120)


def test_generated_tests_pass_on_the_recorded_code_and_fail_when_it_changes(hub: Hub, tmp_path: Path) -> None:
    (tmp_path / "pricing.py").write_text(PRICING)
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    done = subprocess.run([sys.executable, "app.py"], cwd=tmp_path, env={**app_env(hub.url), "PYTHONPATH": str(tmp_path)}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    spans: List[Dict[str, Any]] = wait_for(lambda: (lambda s: s if len([x for x in s if x["endTime"]]) == 6 else None)(hub.spans("gen-app")), timeout=30)
    by_name = lambda name: [s for s in spans if s["name"] == name]

    files = {name: generate(hub, by_name(name)[0]["spanId"]) for name in ("total", "parse_qty", "label")}
    assert [files[n]["tests"] for n in ("total", "parse_qty", "label")] == [2, 2, 2]
    assert files["label"]["skipped"][0]["reason"].startswith("its arguments cannot be rebuilt: recorded as")
    for generated in files.values():
        (tmp_path / generated["filename"]).write_text(generated["text"])

    unchanged = run_pytest(tmp_path, tmp_path)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert "5 passed, 1 skipped" in unchanged.stdout, unchanged.stdout

    (tmp_path / "pricing.py").write_text(PRICING.replace("(1 + tax)", "(1 + tax + 0.01)").replace("not a number", "bad number"))
    changed = run_pytest(tmp_path, tmp_path)
    assert changed.returncode == 1
    assert "3 failed, 2 passed, 1 skipped" in changed.stdout, changed.stdout
