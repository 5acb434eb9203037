"""A fast stand-in for the hub's ingest, run as its own process: it answers 200 at once and
counts what it received. `GET /count` -> {"spans": n} (records with an endTime, or OTLP spans).

    python sink.py   # prints "sink listening on http://127.0.0.1:<port>"
"""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

count = 0
lock = threading.Lock()


def otlp_spans(body: bytes) -> int:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    return sum(len(scope.spans) for resource in request.resource_spans for scope in resource.scope_spans)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body leave in two packets and wait for a delayed ACK

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.reply(200, json.dumps({"spans": count}).encode(), "application/json")

    def do_POST(self) -> None:
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if self.path == "/v1/traces":
            n = otlp_spans(body)
            self.reply(200, b"", "application/x-protobuf")
        else:
            n = body.count(b'"endTime"')
            self.reply(200, b'{"accepted":0,"rejected":[]}' if self.path == "/api/v1/spans" else b'{"ok":true}', "application/json")
        with lock:
            count += n

    def reply(self, status: int, data: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"sink listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
