"""Starting and ending spans: shared by `@track` wrappers and `track_span`.

Everything here runs on the app's thread for every tracked call, so it is written for speed:
locals over attribute lookups, no allocation that is not needed, and every failure swallowed
(a bug in the SDK costs the span, never the call).
"""

from __future__ import annotations

from threading import get_ident
from typing import Any, Optional

from . import _errors
from ._context import NON_RECORDING
from ._ids import getrandbits, rand
from ._runtime import STATE, get_client
from ._span import Span, SpanTemplate


def new_span(
    name: str,
    kind: str,
    parent: Any,
    sample_rate: Optional[float],
    template: Optional[SpanTemplate],
    session_id: Optional[str] = None,
) -> Any:
    """A started Span; NON_RECORDING when not sampled; None when the SDK cannot record.

    Sampling: a root span is kept with the configured `sample_rate`; children follow their
    parent, except that a per-function `sample_rate` also thins out that function's calls (and
    what they call) inside sampled traces.
    """
    client = STATE.client or get_client()
    if client is None:
        return None
    if parent is None:
        rate = client.sample_rate if sample_rate is None else sample_rate
        if rate < 1.0 and rand() >= rate:
            return NON_RECORDING
        return Span(client, getrandbits(128) or 1, getrandbits(64) or 1, None, name, kind, template, session_id, get_ident())
    if sample_rate is not None and sample_rate < 1.0 and rand() >= sample_rate:
        return NON_RECORDING
    return Span(
        client,
        parent.trace_id_int,
        getrandbits(64) or 1,
        parent.span_id_int,
        name,
        kind,
        template,
        parent.session_id if session_id is None else session_id,
        get_ident(),
    )


def fail(span: Span, exc: BaseException) -> None:
    """End a span with the exception that is about to propagate (the caller re-raises it)."""
    try:
        if isinstance(exc, GeneratorExit) or (isinstance(exc, SystemExit) and exc.code in (None, 0)):
            span.finish("ok")  # closing a generator or exiting cleanly is not a failure
            return
        span.error = _errors.capture(exc)
        span.status = "error"
        span.finish()
    except Exception:
        pass


def succeed(span: Span, result: Any, capture_result: Optional[bool]) -> None:
    try:
        client = span.client
        if capture_result if capture_result is not None else client.capture_result:
            if result is not None:
                span.output, span.output_size = client.serializer.capture(result)
        span.finish("ok")
    except Exception:
        pass
