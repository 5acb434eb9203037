"""One keep-alive HTTP connection to the hub, and what an answer means for a retry.

Uses http.client directly: no proxies from the environment (the hub is usually on loopback),
no dependency, and nothing that an app's own HTTP instrumentation would trace.
"""

from __future__ import annotations

import email.utils
import encodings.idna  # noqa: F401 - imported now: a lazy import in a thread after fork can fail
import gzip
import http.client
import json
import time
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit

from .._version import SDK_NAME, __version__

RETRYABLE_STATUS = frozenset((408, 429, 500, 502, 503, 504))
MAX_RETRY_AFTER = 60.0
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


class Sender:
    def __init__(self, url: str, token: Optional[str], timeout: float, compression: str) -> None:
        parts = urlsplit(url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if self._https else 80)
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._gzip = compression == "gzip"
        self._headers = {"Content-Type": "application/json", "User-Agent": f"{SDK_NAME}/{__version__}"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._conn: Optional[http.client.HTTPConnection] = None

    def post_json(self, path: str, payload: Any) -> Answer:
        """Encode and POST; never raises."""
        try:
            body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8", "replace")
        except (TypeError, ValueError) as exc:
            return Answer(0, error=f"encode: {exc}")
        return self.post(path, body)

    def post(self, path: str, body: bytes) -> Answer:
        headers = dict(self._headers)
        if self._gzip and len(body) >= _GZIP_MIN:
            body = gzip.compress(body, compresslevel=1)
            headers["Content-Encoding"] = "gzip"
        headers["Content-Length"] = str(len(body))
        for attempt in (0, 1):
            conn = self._connection()
            try:
                conn.request("POST", self._prefix + path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
            except Exception as exc:  # OSError, HTTPException, and anything odd: all mean "try again"
                self.close()
                # A kept-alive socket the server closed while idle fails at once; one fresh
                # connection tells that apart from a hub that is really gone.
                if attempt == 0 and isinstance(exc, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)):
                    continue
                return Answer(0, retry=True, error=f"{type(exc).__name__}: {exc}")
            return self._answer(response.status, response.getheader("Retry-After"), data)
        return Answer(0, retry=True, error="connection lost")

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

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._conn = cls(self._host, self._port, timeout=self._timeout)
        return self._conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass

    def forget(self) -> None:
        """After fork: drop the parent's socket without touching it."""
        self._conn = None
