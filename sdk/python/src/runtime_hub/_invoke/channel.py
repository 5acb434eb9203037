"""The channel that lets the dashboard re-invoke `@track(invocable=True)` functions in this
running process (docs/replay.md): a daemon thread long-polls the hub (the app opens no port),
runs each invocation through the tracked function under an `invoke <name>` span that links to
the recorded call and says who asked, and posts the result back. Off unless
`configure(invocable=True)` (RUNTIME_HUB_INVOCABLE=1)."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from .._log import logger, warn_user
from . import registry

if TYPE_CHECKING:
    from .._config import Config

POLL_WAIT_MS = 25_000


class Channel:
    def __init__(self, config: Config) -> None:
        self.url = config.url
        self.token = config.token
        self.service = config.service
        self.instance_id = uuid.uuid4().hex
        self.stopped = threading.Event()
        self.refused_warned = False
        self.thread = threading.Thread(target=self._run, name="runtime-hub-invoke", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()

    def _post(self, path: str, body: Dict[str, Any], timeout: float) -> Tuple[int, Any]:
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url + path, data=json.dumps(body, default=str).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.loads(error.read() or b"null")
            except Exception:
                return error.code, None

    def _run(self) -> None:
        backoff = 1.0
        while not self.stopped.is_set():
            names: List[str] = registry.names()
            if not names:
                self.stopped.wait(1.0)
                continue
            asked = time.monotonic()
            try:
                status, body = self._post("/api/v1/invoke/poll", {"service": self.service, "instanceId": self.instance_id, "functions": names, "waitMs": POLL_WAIT_MS}, POLL_WAIT_MS / 1000 + 10)
            except Exception:
                logger.debug("invoke poll failed", exc_info=True)
                self.stopped.wait(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            backoff = 1.0
            if status == 200 and isinstance(body, dict) and isinstance(body.get("invocation"), dict):
                self._invoke(body["invocation"])
            elif status == 403:
                if not self.refused_warned:
                    self.refused_warned = True
                    message = (body or {}).get("error", {}).get("message", "refused") if isinstance(body, dict) else "refused"
                    warn_user(f"re-invoking is off: the hub said {message}")
                self.stopped.wait(30.0)
            elif status != 204:
                self.stopped.wait(5.0)
            elif time.monotonic() - asked < 1.0:  # a hub that does not hold polls: never spin
                self.stopped.wait(1.0)

    def _invoke(self, invocation: Dict[str, Any]) -> None:
        from .._track_span import track_span

        requested = invocation.get("requestedBy") or {}
        attributes = {
            "runtime_hub.invoke.id": str(invocation.get("id")),
            "runtime_hub.invoke.of": str(invocation.get("originalSpanId")),
            "runtime_hub.invoke.of_trace": str(invocation.get("originalTraceId")),
            "runtime_hub.invoke.requested_by": str(requested.get("address", "")),
        }
        for key in ("userAgent", "origin"):
            if requested.get(key):
                attributes[f"runtime_hub.invoke.requested_by_{key.lower()}"] = str(requested[key])[:256]
        result: Dict[str, Any] = {"status": "ok"}
        name = str(invocation.get("function"))
        try:
            with track_span(f"invoke {name}", kind="internal", attributes=attributes, input=invocation.get("args")) as span:
                result["traceId"], result["spanId"] = span.trace_id, span.span_id
                try:
                    value = self._call(name, invocation.get("args") if invocation.get("args") is not None else {})
                    span.set_output(value)
                    result["output"] = json.loads(json.dumps(value, default=repr))
                except Exception as exc:
                    span.record_error(exc)
                    result["status"] = "error"
                    result["error"] = {"type": type(exc).__name__, "message": str(exc)[:10_000]}
        except Exception:
            logger.debug("invocation failed", exc_info=True)
        try:
            self._post(f"/api/v1/invoke/{invocation.get('id')}/result", result, 10.0)
        except Exception:
            logger.debug("could not report an invocation's result", exc_info=True)

    @staticmethod
    def _call(name: str, args: Any) -> Any:
        """Call the tracked function with the arguments by parameter name (the shape of the
        recorded input); a list under the name of `*args` goes in positionally."""
        found = registry.lookup(name)
        if found is None:
            raise LookupError(f"{name} is not invocable in this process")
        meta, wrapper = found
        if meta.skip_first:
            raise TypeError(f"{name} is a method: re-invoking needs its instance, which the hub cannot send")
        extra = args.get(meta.varargs) if isinstance(args, dict) else None
        if isinstance(args, list):
            value = wrapper(*args)
        elif isinstance(extra, list) and meta.varargs not in meta.names:
            positional = [args[n] for n in meta.names]
            keywords = {k: v for k, v in args.items() if k not in meta.names and k != meta.varargs}
            value = wrapper(*positional, *extra, **keywords)
        else:
            value = wrapper(**args)
        if inspect.iscoroutine(value):
            value = asyncio.run(value)
        return value


_channel: Optional[Channel] = None
_lock = threading.Lock()


def start_channel(config: Config) -> None:
    """Open (or re-open, after configure) the channel; at most one per process."""
    global _channel
    with _lock:
        if _channel is not None:
            _channel.stop()
        _channel = Channel(config)
        _channel.start()


def stop_channel() -> None:
    global _channel
    with _lock:
        if _channel is not None:
            _channel.stop()
            _channel = None

