"""A scriptable stand-in for the hub's ingest endpoints, for transport edge cases the real hub
cannot be made to produce on demand (503 with Retry-After, 413, hanging). End-to-end behaviour
is tested against the real hub in tests/integration."""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

Reply = Tuple[int, Dict[str, str], Any]


class FakeHub:
    def __init__(self, port: int = 0) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.lock = threading.Lock()
        self.reply: Optional[Callable[[str, Any], Optional[Reply]]] = None
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                body = json.loads(raw)
                entry = {"path": self.path, "headers": dict(self.headers), "body": body, "time": time.time()}
                with hub.lock:
                    hub.requests.append(entry)
                reply = hub.reply(self.path, body) if hub.reply else None
                if reply is None:
                    spans = body.get("spans", [])
                    reply = (200, {}, {"accepted": len(spans), "rejected": []} if "spans" in body else {"ok": True})
                status, headers, payload = reply
                entry["status"] = status
                data = json.dumps(payload).encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def span_requests(self) -> List[Dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if r["path"] == "/api/v1/spans" and r.get("status") == 200]

    def heartbeats(self) -> List[Dict[str, Any]]:
        with self.lock:
            return [r["body"] for r in self.requests if r["path"] == "/api/v1/apps/heartbeat"]

    def records(self) -> List[Dict[str, Any]]:
        return [record for request in self.span_requests() for record in request["body"]["spans"]]

    def ended(self) -> List[Dict[str, Any]]:
        return [r for r in self.records() if r.get("endTime") is not None]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.01)
        return predicate()
