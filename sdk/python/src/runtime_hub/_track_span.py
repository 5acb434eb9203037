"""`with track_span(...) as span:` — a span around any block, sync or async."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Mapping, Optional, Type, Union

from ._config import KINDS
from ._context import NON_RECORDING, current
from ._log import warn_user
from ._runtime import STATE
from ._span import NOOP_SPAN, NoopSpan, Span
from ._start import fail, new_span


class track_span:  # noqa: N801 - used like a function: `with track_span("name"):`
    """Record a block of code as a span, nested under the current one.

    Use one `track_span(...)` per `with` statement. The span's `kind` defaults to "function";
    an exception leaving the block is recorded and re-raised unchanged.

    Example::

        with track_span("load catalog", kind="tool", attributes={"catalog.id": 7}) as span:
            items = load()
            span.set_output({"count": len(items)})

        async with track_span("fetch", kind="http") as span:
            ...
    """

    __slots__ = ("_name", "_kind", "_attributes", "_input", "_session_id", "_sample_rate", "_span", "_token")

    def __init__(
        self,
        name: str,
        *,
        kind: str = "function",
        attributes: Optional[Mapping[str, Any]] = None,
        input: Any = None,
        session_id: Optional[str] = None,
        sample_rate: Optional[float] = None,
    ) -> None:
        self._name = str(name)
        if kind not in KINDS:
            warn_user(f"kind={kind!r} is not one of {sorted(KINDS)}; using 'function'")
            kind = "function"
        self._kind = kind
        self._attributes = attributes
        self._input = input
        self._session_id = session_id
        self._sample_rate = sample_rate
        self._span: Any = None
        self._token: Any = None

    def __enter__(self) -> Union[Span, NoopSpan]:
        if not STATE.enabled:
            return NOOP_SPAN
        parent = current.get()
        if parent is NON_RECORDING:
            return NOOP_SPAN
        try:
            span = new_span(self._name, self._kind, parent, self._sample_rate, None, self._session_id)
            if span is None:
                return NOOP_SPAN
            self._token = current.set(span)
            if type(span) is not Span:  # not sampled, or dropped
                return NOOP_SPAN
            if self._attributes:
                span.set_attributes(self._attributes)
            if self._input is not None:
                span.set_input(self._input)
            span.client.span_started(span)
            self._span = span
            return span
        except Exception:
            return NOOP_SPAN

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        token, self._token = self._token, None
        if token is not None:
            try:
                current.reset(token)
            except ValueError:  # exited in another context than entered (misuse); keep going
                pass
        span, self._span = self._span, None
        if span is None:
            return None
        if exc is not None:
            fail(span, exc)
        else:
            try:
                span.finish("ok")
            except Exception:
                pass
        return None

    async def __aenter__(self) -> Union[Span, NoopSpan]:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        return self.__exit__(exc_type, exc, tb)
