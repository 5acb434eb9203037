"""The live span object that `@track` and `track_span` hand out.

Kept deliberately plain (slots, ints for ids, the captured values already JSON-safe) because one
is created per tracked call; turning it into a JSON record is the transport thread's job
(see `_record.py`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _errors
from ._clock import _PERF0, _WALL0_MS, _perf, now_ms
from ._ids import span_hex, trace_hex

if TYPE_CHECKING:
    from ._client import Client

AttributeValue = Union[str, bool, int, float, Sequence[str], Sequence[bool], Sequence[int], Sequence[float]]
STATUSES = ("unset", "ok", "error")
MAX_ATTRIBUTES = 128
MAX_EVENTS = 128
_SCALARS = (str, bool, int, float)


class SpanTemplate:
    """What every span of one tracked function shares: name, kind and the code.* attributes,
    plus the transport's pre-encoded form of them: `wire` is (encoder, text), one tuple so that
    two transports never see each other's text."""

    __slots__ = ("name", "kind", "attributes", "wire")

    def __init__(self, name: str, kind: str, attributes: Dict[str, Any]) -> None:
        self.name = name
        self.kind = kind
        self.attributes = attributes
        self.wire: Optional[Tuple[Any, str]] = None


class Span:
    """One tracked call (or `track_span` block). Its methods never raise.

    Example::

        @track
        def checkout(cart):
            span = runtime_hub.current_span()
            span.set_attribute("cart.items", len(cart))
    """

    __slots__ = (
        "trace_id_int", "span_id_int", "parent_id_int", "name", "kind", "start_time",
        "end_time", "status", "input", "output", "error", "attributes", "events", "session_id",
        "size", "input_size", "output_size", "client", "start_sent", "yielded", "template",
        "thread_id", "depth",
    )

    def __init__(
        self,
        client: Client,
        trace_id: int,
        span_id: int,
        parent_id: Optional[int],
        name: str,
        kind: str,
        template: Optional[SpanTemplate],
        session_id: Optional[str],
        thread_id: int,
        depth: int = 0,
    ) -> None:
        self.client = client
        self.depth = depth  # tracked calls above this one in its context
        self.trace_id_int = trace_id
        self.span_id_int = span_id
        self.parent_id_int = parent_id
        self.name = name
        self.kind = kind
        self.template = template  # shared by every call of one function: read-only
        self.attributes: Optional[Dict[str, Any]] = None
        self.thread_id = thread_id
        self.session_id = session_id
        self.status = "unset"
        self.input: Any = None
        self.input_size = 0
        self.output: Any = None
        self.output_size = 0
        self.error: Optional[_errors.CapturedError] = None
        self.events: Optional[List[Dict[str, Any]]] = None
        self.end_time: Optional[float] = None
        self.size = 0
        self.start_sent = False
        self.yielded = -1
        self.start_time = _WALL0_MS + (_perf() - _PERF0) * 1000.0  # now_ms(), inlined: once per call

    # -- identity ----------------------------------------------------------------------------

    @property
    def trace_id(self) -> str:
        """32 lowercase hex digits."""
        return trace_hex(self.trace_id_int)

    @property
    def span_id(self) -> str:
        """16 lowercase hex digits."""
        return span_hex(self.span_id_int)

    @property
    def parent_span_id(self) -> Optional[str]:
        return None if self.parent_id_int is None else span_hex(self.parent_id_int)

    @property
    def is_recording(self) -> bool:
        return self.end_time is None

    # -- user API ----------------------------------------------------------------------------

    def set_attribute(self, key: str, value: Any) -> None:
        """Attach a flat attribute (scalar or list of scalars); other values are stored as text."""
        try:
            if self.attributes is None:
                self.attributes = {}
            if len(self.attributes) >= MAX_ATTRIBUTES and key not in self.attributes:
                return
            self.attributes[str(key)[:256]] = self._attribute_value(value)
        except Exception:
            pass

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        try:
            for key, value in attributes.items():
                self.set_attribute(key, value)
        except Exception:
            pass

    def set_input(self, value: Any) -> None:
        """Replace the recorded input (useful in `track_span` blocks)."""
        try:
            self.input, self.input_size = self.client.serializer.capture(value)
        except Exception:
            pass

    def set_output(self, value: Any) -> None:
        """Record what this span produced; for `@track` the return value is recorded for you."""
        try:
            self.output, self.output_size = self.client.serializer.capture(value)
        except Exception:
            pass

    def set_status(self, status: str) -> None:
        if status in STATUSES:
            self.status = status

    def record_error(self, exc: BaseException) -> None:
        """Record an exception (type, message, stack frames) and mark the span as failed."""
        try:
            self.error = _errors.capture(exc)
            self.status = "error"
        except Exception:
            pass

    def add_event(self, name: str, attributes: Optional[Mapping[str, Any]] = None) -> None:
        """A timestamped point inside the span, e.g. "cache miss" or "retry"."""
        try:
            if self.events is None:
                self.events = []
            if len(self.events) >= MAX_EVENTS:
                return
            event: Dict[str, Any] = {"name": str(name)[:1024], "time": now_ms()}
            if attributes:
                event["attributes"] = {str(k)[:256]: self._attribute_value(v) for k, v in list(attributes.items())[:MAX_ATTRIBUTES]}
            self.events.append(event)
        except Exception:
            pass

    # -- internals -----------------------------------------------------------------------------

    def _attribute_value(self, value: Any) -> Any:
        max_string = self.client.serializer.max_string
        if isinstance(value, _SCALARS):
            if isinstance(value, str):
                return value[:max_string]
            if isinstance(value, float) and not math.isfinite(value):
                return str(value)
            return value
        if isinstance(value, (list, tuple)) and all(isinstance(v, _SCALARS) for v in value):
            return [v[:max_string] if isinstance(v, str) else v for v in value[:1000]]
        out, _ = self.client.serializer.capture(value)
        return out if isinstance(out, str) else repr(out)[:max_string]

    def finish(self, status: Optional[str] = None) -> None:
        """End the span (idempotent) and hand it to the transport."""
        if self.end_time is not None:
            return
        self.end_time = _WALL0_MS + (_perf() - _PERF0) * 1000.0  # now_ms(), inlined
        if status is not None and self.status == "unset":
            self.status = status
        self.client.span_ended(self)

    def __repr__(self) -> str:
        return f"<Span {self.name!r} kind={self.kind} span_id={self.span_id} status={self.status}>"


class NoopSpan:
    """Handed out when the SDK is disabled or the call is not sampled; every method does nothing."""

    __slots__ = ()
    trace_id = "0" * 32
    span_id = "0" * 16
    parent_span_id = None
    is_recording = False
    name = ""
    kind = "internal"
    status = "unset"

    def set_attribute(self, key: str, value: Any) -> None:
        pass

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        pass

    def set_input(self, value: Any) -> None:
        pass

    def set_output(self, value: Any) -> None:
        pass

    def set_status(self, status: str) -> None:
        pass

    def record_error(self, exc: BaseException) -> None:
        pass

    def add_event(self, name: str, attributes: Optional[Mapping[str, Any]] = None) -> None:
        pass

    def __repr__(self) -> str:
        return "<NoopSpan>"


NOOP_SPAN = NoopSpan()
