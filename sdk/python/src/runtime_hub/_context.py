"""Which span is current: one ContextVar, so nesting follows asyncio tasks by itself and threads
when the context is carried over (`wrap`, or the opt-in ThreadPoolExecutor patch).
"""

from __future__ import annotations

import contextvars
import functools
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator, Optional, TypeVar, Union
from contextlib import contextmanager

from ._span import NOOP_SPAN, NoopSpan, Span

F = TypeVar("F", bound=Callable[..., Any])


class _NonRecording:
    """Marks a context where nothing is recorded: the transport thread, `suppress()` blocks and
    the subtree below a call that was not sampled."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<runtime_hub non-recording context>"


NON_RECORDING: Any = _NonRecording()


class Dropped:
    """Marks a call the transport had no room for (see `Transport.refuse`): it runs untracked,
    and so does everything it calls, each counted as dropped for `reason`. Dropping a whole
    subtree keeps what is stored coherent: no child without its parent."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"<runtime_hub dropped context ({self.reason})>"


current: contextvars.ContextVar[Any] = contextvars.ContextVar("runtime_hub_current_span", default=None)
get_current = current.get


def current_span() -> Union[Span, NoopSpan]:
    """The span of the innermost tracked call running here, or a no-op span outside of one.

    Example::

        @track
        def charge(order):
            current_span().set_attribute("order.total", order.total)
    """
    span = current.get()
    return span if isinstance(span, Span) else NOOP_SPAN


def suppress_in_this_thread() -> None:
    current.set(NON_RECORDING)


@contextmanager
def suppress() -> Iterator[None]:
    """Record nothing inside this block (tracked calls still run, untracked).

    Example::

        with runtime_hub.suppress():
            health_check()   # too chatty to trace
    """
    token = current.set(NON_RECORDING)
    try:
        yield
    finally:
        current.reset(token)


def wrap(fn: F) -> F:
    """Bind `fn` to the current context, so spans it starts in another thread nest under the
    current one.

    Example::

        pool.submit(runtime_hub.wrap(resize), image)
        threading.Thread(target=runtime_hub.wrap(worker)).start()
    """
    ctx = contextvars.copy_context()

    @functools.wraps(fn)
    def run_in_context(*args: Any, **kwargs: Any) -> Any:
        # A copy per call: one Context cannot be entered by two threads at once.
        return ctx.copy().run(fn, *args, **kwargs)

    return run_in_context  # type: ignore[return-value]


_original_submit: Optional[Callable[..., Any]] = None


def patch_thread_pool() -> None:
    """Make every `ThreadPoolExecutor.submit` (and so `loop.run_in_executor`) carry the caller's
    context into the worker thread. Idempotent; undo with `unpatch_thread_pool()`."""
    global _original_submit
    if _original_submit is not None:
        return
    original: Callable[..., Any] = ThreadPoolExecutor.submit
    _original_submit = original

    def submit(self: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return original(self, contextvars.copy_context().run, fn, *args, **kwargs)

    functools.update_wrapper(submit, original)
    setattr(ThreadPoolExecutor, "submit", submit)


def unpatch_thread_pool() -> None:
    global _original_submit
    if _original_submit is not None:
        setattr(ThreadPoolExecutor, "submit", _original_submit)
        _original_submit = None
