"""One keep-alive HTTP/1.1 connection to the hub, and what an answer means for a retry.

A deliberately small client on a plain socket rather than http.client: a request is one
`sendall` and its answer usually one `recv`. That matters more than it seems: each blocking
call lets go of the GIL, and while the app runs a CPU-bound loop, getting it back can take a
whole switch interval (5 ms); http.client spends three to five of those per request. It also
ignores proxy variables (the hub is usually on loopback) and is invisible to HTTP
instrumentation in the host app.
"""

from __future__ import annotations

import email.utils
import encodings.idna  # noqa: F401 - imported now: a lazy import in a thread after fork can fail
import gzip
import ipaddress
import json
import socket
import ssl
import time
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit

from .._version import SDK_NAME, __version__

RETRYABLE_STATUS = frozenset((408, 429, 500, 502, 503, 504))
MAX_RETRY_AFTER = 60.0
MAX_RESPONSE = 1024 * 1024
_GZIP_MIN = 1024  # smaller bodies are not worth the CPU


class Answer:
    """The outcome of one request. `retry` is True for connection errors, 408, 429 and 5xx."""

    __slots__ = ("status", "body", "retry", "retry_after", "error")

    def __init__(self, status: int, body: Any = None, retry: bool = False, retry_after: Optional[float] = None, error: str = "") -> None:
        self.status = status
        self.body = body
        self.retry = retry
        self.retry_after = retry_after
        self.error = error

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), capped at 60 s."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ProtocolError(Exception):
    """The server's answer was not the HTTP/1.1 we expect."""


class Sender:
    def __init__(self, url: str, token: Optional[str], timeout: float, compression: str) -> None:
        parts = urlsplit(url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if self._https else 80)
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        # On loopback, compressing costs CPU on both ends and saves nothing: "auto" skips it there.
        self._gzip = compression == "gzip" or (compression == "auto" and not _is_loopback(self._host))
        host_header = self._host if parts.port is None else f"{self._host}:{self._port}"
        if ":" in self._host:  # IPv6 literal
            host_header = f"[{self._host}]" + ("" if parts.port is None else f":{self._port}")
        headers = [
            f"Host: {host_header}",
            "Content-Type: application/json",
            f"User-Agent: {SDK_NAME}/{__version__}",
            "Connection: keep-alive",
        ]
        if token:
            headers.append(f"Authorization: Bearer {token}")
        self._headers = "\r\n".join(headers)
        self._sock: Optional[socket.socket] = None

    def post_json(self, path: str, payload: Any) -> Answer:
        """Encode and POST; never raises."""
        try:
            body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8", "replace")
        except (TypeError, ValueError) as exc:
            return Answer(0, error=f"encode: {exc}")
        return self.post(path, body)

    def post(self, path: str, body: bytes) -> Answer:
        """POST a JSON body; never raises."""
        extra = ""
        if self._gzip and len(body) >= _GZIP_MIN:
            body = gzip.compress(body, compresslevel=1)
            extra = "\r\nContent-Encoding: gzip"
        head = f"POST {self._prefix}{path} HTTP/1.1\r\n{self._headers}{extra}\r\nContent-Length: {len(body)}\r\n\r\n"
        request = head.encode("latin-1") + body
        for attempt in (0, 1):
            reused = self._sock is not None
            try:
                sock = self._connection()
                sock.sendall(request)
                status, headers, data = self._read_response(sock)
            except Exception as exc:  # OSError, ProtocolError, ssl errors, and anything odd: try again later
                self.close()
                # A kept-alive socket that the server closed while idle fails at once; one fresh
                # connection tells that apart from a hub that is really gone.
                if attempt == 0 and reused and isinstance(exc, (ConnectionError, ProtocolError)):
                    continue
                return Answer(0, retry=True, error=f"{type(exc).__name__}: {exc}")
            if headers.get("connection", "").lower() == "close":
                self.close()
            return self._answer(status, headers.get("retry-after"), data)
        return Answer(0, retry=True, error="connection lost")

    def _read_response(self, sock: socket.socket) -> Tuple[int, Dict[str, str], bytes]:
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                raise ProtocolError("connection closed before the response headers")
            buffer += chunk
            if len(buffer) > MAX_RESPONSE:
                raise ProtocolError("response headers too large")
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        version, _, reason = lines[0].partition(" ")
        if not version.startswith("HTTP/1."):
            raise ProtocolError(f"unexpected status line {lines[0]!r}")
        status = int(reason.split(" ", 1)[0])
        headers: Dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return status, headers, self._read_chunked(sock, rest)
        length = headers.get("content-length")
        if length is None:  # delimited by the end of the connection
            headers["connection"] = "close"
            return status, headers, self._read_until_close(sock, rest)
        remaining = int(length) - len(rest)
        while remaining > 0:
            chunk = sock.recv(min(remaining, 65536))
            if not chunk:
                raise ProtocolError("connection closed inside the response body")
            rest += chunk
            remaining -= len(chunk)
        return status, headers, rest[: int(length)]

    def _read_chunked(self, sock: socket.socket, buffer: bytes) -> bytes:
        body = b""
        while True:
            while b"\r\n" not in buffer:
                buffer += self._recv(sock)
            size_line, _, buffer = buffer.partition(b"\r\n")
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while not (buffer.startswith(b"\r\n") or b"\r\n\r\n" in buffer):  # trailers
                    buffer += self._recv(sock)
                return body
            while len(buffer) < size + 2:
                buffer += self._recv(sock)
            body += buffer[:size]
            buffer = buffer[size + 2 :]
            if len(body) > MAX_RESPONSE:
                raise ProtocolError("response body too large")

    def _read_until_close(self, sock: socket.socket, buffer: bytes) -> bytes:
        while len(buffer) <= MAX_RESPONSE:
            chunk = sock.recv(65536)
            if not chunk:
                return buffer
            buffer += chunk
        raise ProtocolError("response body too large")

    @staticmethod
    def _recv(sock: socket.socket) -> bytes:
        chunk = sock.recv(65536)
        if not chunk:
            raise ProtocolError("connection closed inside a chunked body")
        return chunk

    def _answer(self, status: int, retry_after: Optional[str], data: bytes) -> Answer:
        parsed: Dict[str, Any] = {}
        if data:
            try:
                loaded = json.loads(data)
                if isinstance(loaded, dict):
                    parsed = loaded
            except ValueError:
                pass
        retry = status in RETRYABLE_STATUS or 500 <= status < 600
        error = ""
        if not 200 <= status < 300:
            err = parsed.get("error")
            error = f"HTTP {status}" + (f": {err.get('message')}" if isinstance(err, dict) and err.get("message") else "")
        return Answer(status, parsed, retry, parse_retry_after(retry_after) if retry else None, error)

    def _connection(self) -> socket.socket:
        if self._sock is None:
            sock = socket.create_connection((self._host, self._port), timeout=self._timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._https:
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self._host)
            self._sock = sock
        return self._sock

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.close()
            except Exception:
                pass

    def forget(self) -> None:
        """After fork: drop the parent's socket without touching it."""
        self._sock = None
