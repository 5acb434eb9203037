"""Span -> the hub's JSON span record (runs on the transport thread, or inline for in-memory)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from . import _errors
from ._ids import span_hex, trace_hex
from ._redact import REDACTED, Redactor
from ._span import Span

MAX_NAME = 1024


def _dropped(what: str, size: int, limit: int) -> str:
    return f"[dropped: {what} of ~{size} bytes; the span limit is {limit} bytes (max_span_bytes)]"


def build(span: Span, service: str, final: bool, max_span_bytes: int, redactor: Optional[Redactor]) -> Dict[str, Any]:
    """The start record (final=False: identity + input) or the end record (everything)."""
    parent = span.parent_id_int
    record: Dict[str, Any] = {
        "traceId": trace_hex(span.trace_id_int),
        "spanId": span_hex(span.span_id_int),
        "parentSpanId": None if parent is None else span_hex(parent),
        "service": service,
        "name": span.name if len(span.name) <= MAX_NAME else span.name[: MAX_NAME - 1] + "…",
        "kind": span.kind,
        "startTime": round(span.start_time, 3),
    }
    if span.session_id is not None:
        record["sessionId"] = span.session_id
    attributes = _attributes(span, redactor)
    if attributes:
        record["attributes"] = attributes
    input_value, output_value = span.input, span.output
    if final and input_value is not None and output_value is not None and span.input_size + span.output_size > max_span_bytes:
        if span.input_size >= span.output_size:
            input_value = _dropped("input", span.input_size, max_span_bytes)
        else:
            output_value = _dropped("output", span.output_size, max_span_bytes)
    if input_value is not None:
        record["input"] = input_value
    if not final:
        record["status"] = "unset"
        return record
    record["endTime"] = round(span.end_time, 3) if span.end_time is not None else None
    record["status"] = span.status
    if output_value is not None:
        record["output"] = output_value
    if span.error is not None:
        record["error"] = _errors.to_record(span.error)
    if span.events:
        record["events"] = list(span.events)
    return record


def _attributes(span: Span, redactor: Optional[Redactor]) -> Dict[str, Any]:
    out: Dict[str, Any] = dict(span.template.attributes) if span.template is not None else {}
    out["thread.id"] = span.thread_id
    if span.yielded >= 0:
        out["runtime_hub.generator.items"] = span.yielded
    user = span.attributes
    if user:
        user = dict(user)  # the app thread may still be adding to it
        if redactor is not None and redactor.enabled:
            for key, value in user.items():
                out[key] = REDACTED if redactor.is_secret(key) else value
        else:
            out.update(user)
    return out
