"""Starting and ending spans: shared by `@track` wrappers, `track_span` and the integrations.

Everything here runs on the app's thread for every tracked call, so it is written for speed:
locals over attribute lookups, no allocation that is not needed, and every failure swallowed
(a bug in the SDK costs the span, never the call).
"""

from __future__ import annotations

import sys
from threading import get_ident
from typing import TYPE_CHECKING, Any, Optional

from . import _errors
from ._context import NON_RECORDING, Dropped
from ._ids import getrandbits, rand
from ._runtime import STATE, get_client
from ._span import Span, SpanTemplate

if TYPE_CHECKING:
    from ._ignore import ErrorFilter
    from ._sampling import RateLimiter

# Past this many tracked calls on the stack, each wrapper lends the interpreter one more frame of
# recursion limit for as long as it runs (see `deeper` / `shallower`), so a tracked recursive
# function reaches the depth it reaches untracked, less this many levels.
DEEP = 16
_get_limit = sys.getrecursionlimit
_set_limit = sys.setrecursionlimit


def new_span(
    name: str,
    kind: str,
    parent: Any,
    sample_rate: Optional[float],
    template: Optional[SpanTemplate],
    session_id: Optional[str] = None,
    limiter: Optional[RateLimiter] = None,
) -> Any:
    """A started Span; NON_RECORDING when not sampled; a `Dropped` marker when the transport has
    no room; None when the SDK cannot record.

    Sampling keeps whole traces: a root span is kept with the configured `sample_rate`, children
    follow their parent, and a per-function `sample_rate` or rate limit thins out that function's
    calls together with everything they call.
    """
    client = STATE.client or get_client()
    if client is None:
        return None
    if parent is None:
        rate = client.sample_rate if sample_rate is None else sample_rate
        if rate < 1.0 and rand() >= rate:
            return NON_RECORDING
    elif type(parent) is Dropped:
        client.drops.add(parent.reason)
        return None  # run untracked; the context already says "dropped"
    elif sample_rate is not None and sample_rate < 1.0 and rand() >= sample_rate:
        return NON_RECORDING
    if limiter is not None and not limiter.allow():
        return NON_RECORDING
    refused = client.refuse()
    if refused is not None:
        client.drops.add(refused)
        return Dropped(refused)
    if parent is None:
        return Span(client, getrandbits(128) or 1, getrandbits(64) or 1, None, name, kind, template, session_id, get_ident(), 0)
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
        parent.depth + 1,
    )


def deeper() -> None:
    try:
        _set_limit(_get_limit() + 1)
    except Exception:
        pass


def shallower() -> None:
    try:
        _set_limit(_get_limit() - 1)
    except Exception:
        pass


def fail(span: Span, exc: BaseException, ignore: Optional[ErrorFilter] = None) -> None:
    """End a span with the exception that is about to propagate (the caller re-raises it).

    The exception is always recorded; the span's status is "error" unless the exception is one
    the app uses as control flow (`ignore_errors`), which leaves it "ok" with the error attached.
    """
    try:
        t = type(exc)
        if t is GeneratorExit or (t is SystemExit and exc.code in (None, 0)):  # type: ignore[attr-defined]
            span.finish("ok")  # closing a generator or exiting cleanly is not a failure
            return
        span.error = _errors.capture(exc)
        if span.client.ignored(t) or (ignore is not None and ignore(t)):
            span.set_attribute("runtime_hub.error.ignored", True)
            span.finish("ok")
            return
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
