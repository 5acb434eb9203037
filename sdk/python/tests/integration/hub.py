"""Start a real hub process and run real Python programs that use the SDK.

The hub command is `node <repo>/packages/hub/dist/cli/main.js start` (build it with `npm run
build` at the repo root), or whatever RUNTIME_HUB_TEST_HUB_CMD says; `--port` and `--data` are
appended. The hub prints `runtime-hub listening on http://127.0.0.1:<port>` when it is ready.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parents[4]
HUB_MAIN = REPO_ROOT / "packages" / "hub" / "dist" / "cli" / "main.js"
READY = re.compile(r"runtime-hub listening on (http://\S+)")


def hub_command() -> List[str]:
    override = os.environ.get("RUNTIME_HUB_TEST_HUB_CMD")
    if override:
        return shlex.split(override)
    if not HUB_MAIN.exists():
        raise RuntimeError(f"{HUB_MAIN} is missing: run `npm run build` at {REPO_ROOT} (or set RUNTIME_HUB_TEST_HUB_CMD)")
    return ["node", str(HUB_MAIN), "start"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Hub:
    def __init__(self, data_dir: Path, port: int = 0) -> None:
        self.data_dir = data_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}" if port else ""
        self.process: Optional[subprocess.Popen] = None
        self.log_path = data_dir / "hub.log"

    def start(self, timeout: float = 30.0) -> "Hub":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        offset = self.log_path.stat().st_size
        cmd = hub_command() + ["--port", str(self.port), "--data", str(self.data_dir)]
        self.process = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log_path.read_bytes()[offset:].decode("utf-8", "replace")
            match = READY.search(text)
            if match:
                self.url = match.group(1).rstrip("/")
                self.port = urllib.parse.urlsplit(self.url).port or self.port
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"the hub did not start: {self.log_path.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    # -- queries -------------------------------------------------------------------------------

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.loads(response.read())

    def spans(self, service: str) -> List[Dict[str, Any]]:
        """Every stored span of a service (all pages), oldest first."""
        out: List[Dict[str, Any]] = []
        cursor = None
        while True:
            query = {"service": service, "limit": "1000"}
            if cursor:
                query["cursor"] = cursor
            page = self.get("/api/v1/spans?" + urllib.parse.urlencode(query))
            out.extend(page["spans"])
            cursor = page.get("nextCursor")
            if not cursor:
                return list(reversed(out))

    def trace(self, trace_id: str) -> List[Dict[str, Any]]:
        return self.get(f"/api/v1/traces/{trace_id}")["spans"]

    def service(self, name: str) -> Optional[Dict[str, Any]]:
        return next((s for s in self.get("/api/v1/services")["services"] if s["service"] == name), None)


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except Exception:
            value = None
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def app_env(hub_url: str, **extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNTIME_HUB_")}
    env["RUNTIME_HUB_URL"] = hub_url
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def write_app(directory: Path, name: str, source: str) -> Path:
    path = directory / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return path


def run_app(path: Path, hub_url: str, timeout: float = 60.0, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(path)], env=app_env(hub_url, **env), capture_output=True, text=True, timeout=timeout)


def start_app(path: Path, hub_url: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(path)], env=app_env(hub_url, **env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
