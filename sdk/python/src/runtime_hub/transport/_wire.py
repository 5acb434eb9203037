"""Span -> the JSON text of its record, written directly (transport thread).

Equivalent to `json.dumps(_record.build(...))` (a test holds them to that) but about three times
cheaper, which is what lets one transport thread keep up with an app calling tracked functions in
a tight loop: what is the same for every call of a function (name, kind, code.* attributes,
service) is encoded once and cached on its SpanTemplate, and the rest is one %-format plus the
C JSON encoder for input and output. Used when there is no `before_send` hook (the hook needs the
record as a dict).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, Callable, List, Optional

from .. import _errors
from .._record import MAX_NAME, _dropped
from .._redact import REDACTED

if TYPE_CHECKING:
    from .._redact import Redactor
    from .._span import Span

# identity (see _identity) leaves the attributes object open, ready for thread.id
_HEAD = '{"traceId":"%032x","spanId":"%016x","parentSpanId":%s,"startTime":%.3f,%s"thread.id":%d'


def _default(value: Any) -> str:
    return str(value)


def make_encoder() -> Callable[[Any], str]:
    """A compact JSON encoder; the C one is built once rather than per call (json.dumps does)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is not None:
        try:
            iterencode = make(None, _default, encode_basestring, None, ":", ",", False, False, True)
            return lambda value: "".join(iterencode(value, 0))
        except Exception:
            pass
    return json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_default, check_circular=False).encode


class WireEncoder:
    def __init__(self, service: str, max_span_bytes: int, redactor: Optional[Redactor]) -> None:
        self.encode = make_encoder()
        self._service = '"service":' + encode_basestring(service)
        self._max_span_bytes = max_span_bytes
        self._redactor = redactor if redactor is not None and redactor.enabled else None

    def _identity(self, span: Span) -> str:
        """`"service":…,"name":…,"kind":…,"attributes":{<static attributes>,` (left open)."""
        template = span.template
        cached = template.wire if template is not None else None
        if cached is not None and cached[0] is self:
            return cached[1]
        name = span.name if len(span.name) <= MAX_NAME else span.name[: MAX_NAME - 1] + "…"
        static = self.encode(template.attributes)[1:-1] + "," if template is not None and template.attributes else ""
        wire = f'{self._service},"name":{encode_basestring(name)},"kind":{encode_basestring(span.kind)},"attributes":{{{static}'
        if template is not None:
            template.wire = (self, wire)
        return wire

    def _value(self, value: Any) -> str:
        t = type(value)
        if t is str:
            return encode_basestring(value)
        if t is int:
            return "%d" % value
        return self.encode(value)

    def record(self, span: Span, final: bool) -> str:
        parent = span.parent_id_int
        head = _HEAD % (
            span.trace_id_int,
            span.span_id_int,
            "null" if parent is None else '"%016x"' % parent,
            span.start_time,
            self._identity(span),
            span.thread_id,
        )
        parts: List[str] = [head]
        if span.yielded >= 0:
            parts.append(',"runtime_hub.generator.items":%d' % span.yielded)
        user = span.attributes
        if user:
            user = dict(user)  # the app thread may still be adding to it
            redactor = self._redactor
            if redactor is not None:
                user = {k: (REDACTED if redactor.is_secret(k) else v) for k, v in user.items()}
            parts.append("," + self.encode(user)[1:-1])
        parts.append("}")
        if span.session_id is not None:
            parts.append(',"sessionId":' + encode_basestring(span.session_id))
        input_value, output_value = span.input, span.output
        if final and input_value is not None and output_value is not None and span.input_size + span.output_size > self._max_span_bytes:
            if span.input_size >= span.output_size:
                input_value = _dropped("input", span.input_size, self._max_span_bytes)
            else:
                output_value = _dropped("output", span.output_size, self._max_span_bytes)
        if input_value is not None:
            parts.append(',"input":' + self._value(input_value))
        if not final:
            parts.append(',"status":"unset"}')
            return "".join(parts)
        parts.append(',"endTime":%.3f,"status":"%s"' % (span.end_time or span.start_time, span.status))
        if output_value is not None:
            parts.append(',"output":' + self._value(output_value))
        if span.error is not None:
            parts.append(',"error":' + self.encode(_errors.to_record(span.error)))
        if span.events:
            parts.append(',"events":' + self.encode(list(span.events)))
        parts.append("}")
        return "".join(parts)
