"""Wrappers for generator and async generator functions.

The span covers the whole iteration. Its context is entered around each resume of the wrapped
generator and left before every yield, so the consumer's code between items never runs "inside"
the generator's span. The span ends on exhaustion, on an exception, or when the generator is
closed early (status ok, attribute runtime_hub.generator.closed_early), and records how many
items were yielded.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, AsyncGenerator, Callable, Generator, List, Optional

from ._context import NON_RECORDING, current
from ._runtime import STATE
from ._serialize import MAX_SAFE_INT, MIN_SAFE_INT, TRUNCATED
from ._span import Span
from ._start import fail

if TYPE_CHECKING:
    from ._track import Meta

get_current = current.get


class _Items:
    """Counts yielded items and keeps the first `max_items` of them (serialized at yield time)."""

    __slots__ = ("span", "count", "kept", "limit", "ignore")

    def __init__(self, span: Any, meta: Meta) -> None:
        self.span = span
        self.count = 0
        self.kept: Optional[List[Any]] = None
        self.limit = 0
        self.ignore = meta.ignore
        if type(span) is Span:
            client = span.client
            capture = meta.capture_result if meta.capture_result is not None else client.capture_result
            if capture:
                self.kept = []
                self.limit = client.serializer.max_items

    def full(self) -> bool:
        """True when no (more) items are to be kept: the loops then only count."""
        return self.kept is None or len(self.kept) >= self.limit

    def keep(self, item: Any) -> bool:
        """Serialize one yielded item; returns `full()` afterwards."""
        kept = self.kept
        if kept is None:
            return True
        t = type(item)
        if t is int and MIN_SAFE_INT <= item <= MAX_SAFE_INT or t is bool or item is None:
            kept.append(item)  # the usual item, without a call (~10 % of a tracked resume)
            self.span.output_size += 17
        else:
            try:
                value, size = self.span.client.serializer.capture(item)
                kept.append(value)
                self.span.output_size += size
            except Exception:
                pass
        return len(kept) >= self.limit

    def finish(self, returned: Any = None, closed_early: bool = False) -> None:
        span = self.span
        if type(span) is not Span:
            return
        try:
            span.yielded = self.count
            if closed_early:
                span.set_attribute("runtime_hub.generator.closed_early", True)
            kept = self.kept
            if kept is not None:
                if self.count > len(kept):
                    kept.append(f"{TRUNCATED} {self.count - len(kept)} more items")
                if returned is not None:
                    value, size = span.client.serializer.capture(returned)
                    span.output = {"yielded": kept, "returned": value}
                    span.output_size += size
                else:
                    span.output = kept
            span.finish("ok")
        except Exception:
            pass

    def fail(self, exc: BaseException) -> None:
        if type(self.span) is Span:
            self.span.yielded = self.count
            fail(self.span, exc, self.ignore)


def _begin(meta: Meta, args: Any, kwargs: Any) -> Any:
    """The span (or a not-recording marker) for a new iteration; None to run untracked."""
    if not STATE.enabled:
        return None
    parent = get_current()
    if parent is NON_RECORDING:
        return None
    return meta.start(parent, args, kwargs)


def wrap_generator(fn: Callable[..., Generator[Any, Any, Any]], meta: Meta) -> Callable[..., Any]:
    @functools.wraps(fn)
    def tracked(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        span = _begin(meta, args, kwargs)
        if span is None:
            return (yield from fn(*args, **kwargs))
        items = _Items(span, meta)
        token = current.set(span)
        try:
            gen = fn(*args, **kwargs)
        except BaseException as exc:
            current.reset(token)
            items.fail(exc)
            raise
        current.reset(token)
        to_send: Any = None
        to_throw: Optional[BaseException] = None
        # The item travels through `held`, popped as it is yielded: while the generator is
        # suspended the wrapper's frame holds no reference to it (the caller decides its lifetime).
        held: List[Any] = []
        # This loop runs once per item: its names are locals, and items past max_items are only counted.
        push, pop, send, enter, leave = held.append, held.pop, gen.send, current.set, current.reset
        count = 0
        full = items.full()
        while True:
            token = enter(span)
            try:
                if to_throw is None:
                    push(send(to_send))
                else:
                    thrown, to_throw = to_throw, None
                    push(gen.throw(thrown))
                    del thrown
            except StopIteration as stop:
                leave(token)
                items.count = count
                items.finish(stop.value)
                return stop.value
            except BaseException as exc:
                leave(token)
                items.count = count
                items.fail(exc)
                raise
            leave(token)
            to_send = None  # the generator has it now
            count += 1
            if not full:
                full = items.keep(held[0])
            try:
                to_send = yield pop()
            except GeneratorExit:
                token = enter(span)
                items.count = count
                try:
                    gen.close()
                except BaseException as exc:
                    leave(token)
                    items.fail(exc)
                    raise
                leave(token)
                items.finish(closed_early=True)
                raise
            except BaseException as exc:  # thrown in by the consumer: pass it on to the generator
                to_throw = exc

    return tracked


def wrap_async_generator(fn: Callable[..., AsyncGenerator[Any, Any]], meta: Meta) -> Callable[..., Any]:
    @functools.wraps(fn)
    async def tracked(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
        span = _begin(meta, args, kwargs)
        scoped = span is not None  # untracked: drive the generator without touching the context
        items = _Items(span, meta) if scoped else None
        token = current.set(span) if scoped else None
        try:
            agen = fn(*args, **kwargs)
        except BaseException as exc:
            if token is not None:
                current.reset(token)
            if items is not None:
                items.fail(exc)
            raise
        if token is not None:
            current.reset(token)
        to_send: Any = None
        to_throw: Optional[BaseException] = None
        held: List[Any] = []  # see wrap_generator: no reference kept while suspended
        while True:
            token = current.set(span) if scoped else None
            try:
                if to_throw is None:
                    held.append(await agen.asend(to_send))
                else:
                    thrown, to_throw = to_throw, None
                    held.append(await agen.athrow(thrown))
                    del thrown
            except StopAsyncIteration:
                if token is not None:
                    current.reset(token)
                if items is not None:
                    items.finish()
                return
            except BaseException as exc:
                if token is not None:
                    current.reset(token)
                if items is not None:
                    items.fail(exc)
                raise
            if token is not None:
                current.reset(token)
            to_send = None
            if items is not None:
                items.count += 1
                if items.count <= items.limit:
                    items.keep(held[0])
            try:
                to_send = yield held.pop()
            except GeneratorExit:
                token = current.set(span) if scoped else None
                try:
                    await agen.aclose()
                except BaseException as exc:
                    if token is not None:
                        current.reset(token)
                    if items is not None:
                        items.fail(exc)
                    raise
                if token is not None:
                    current.reset(token)
                if items is not None:
                    items.finish(closed_early=True)
                raise
            except BaseException as exc:  # thrown in by the consumer: pass it on to the generator
                to_throw = exc

    return tracked
