"""`@track`: one wrapper per callable kind (sync, coroutine, generator, async generator).

Each wrapper reads one flag first, so a disabled SDK costs a call and a boolean check; with
RUNTIME_HUB_ENABLED=0 at import, `track` returns the function itself. Exceptions always
propagate unchanged (a bare `raise`), whatever the SDK did with them.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Dict, FrozenSet, Optional, Sequence, Tuple, TypeVar, Union, cast, overload

from ._config import KINDS
from ._context import NON_RECORDING, current
from ._generators import wrap_async_generator, wrap_generator
from ._ignore import ErrorFilter
from ._log import warn_user
from ._rebind import MARKER, remember, wrapper_of
from ._runtime import DISABLED_AT_IMPORT, STATE
from ._sampling import RateLimiter
from ._span import Span, SpanTemplate
from ._start import DEEP, deeper, fail, new_span, shallower, succeed
from ._replay.keep import keep_error, keep_result
from ._replay.player import PLAYER
from ._replay.wrappers import replay_coroutine, replay_sync
from ._invoke.registry import register_invocable

F = TypeVar("F", bound=Callable[..., Any])
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
get_current = current.get


class Meta:
    """What every call of one tracked function shares, computed once at decoration."""

    __slots__ = ("name", "kind", "template", "names", "varargs", "skip_first", "capture_args", "capture_result",
                 "sample_rate", "ignore", "max_per_second", "_secret_for", "_secret", "_limiter_for", "_limiter", "replay",
                 "invocable", "fn")

    def __init__(self, fn: Callable[..., Any], name: Optional[str], kind: str, capture_args: Optional[bool],
                 capture_result: Optional[bool], sample_rate: Optional[float],
                 ignore_errors: Optional[Sequence[Any]] = None, max_per_second: Optional[float] = None,
                 replay: Optional[bool] = None, invocable: bool = False) -> None:
        self.name = name or _qualname(fn)
        self.fn = fn
        self.replay = replay  # keep a faithful result for replay: True, False, or None (configure's `replay`)
        self.invocable = invocable
        if kind not in KINDS:
            warn_user(f"kind={kind!r} is not one of {sorted(KINDS)}; using 'function'")
            kind = "function"
        self.kind = kind
        self.capture_args = capture_args
        self.capture_result = capture_result
        if sample_rate is not None and not 0.0 <= sample_rate <= 1.0:
            warn_user(f"sample_rate={sample_rate!r} is outside [0, 1]; ignoring it")
            sample_rate = None
        self.sample_rate = sample_rate
        self.ignore = ErrorFilter(ignore_errors, defaults=False) if ignore_errors else None
        if max_per_second is not None and not max_per_second > 0:
            warn_user(f"max_per_second={max_per_second!r} must be > 0; ignoring it")
            max_per_second = None
        self.max_per_second = max_per_second
        self._limiter_for: Any = None
        self._limiter: Optional[RateLimiter] = None
        self.names, self.varargs, self.skip_first = _parameters(fn)
        self.template = SpanTemplate(self.name, kind, _code_attributes(fn))
        self._secret_for: Any = None
        self._secret: FrozenSet[str] = frozenset()

    def limiter(self) -> Optional[RateLimiter]:
        """This function's rate limiter: its own `max_per_second`, else the configured one."""
        client = STATE.client
        if self._limiter_for is not client:
            rate = self.max_per_second if self.max_per_second is not None else getattr(client, "max_per_second", None)
            self._limiter = RateLimiter(rate) if rate else None
            self._limiter_for = client
        return self._limiter

    def start(self, parent: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
        """new_span + capture the arguments + tell the transport: a Span, a marker, or None."""
        try:
            span = new_span(self.name, self.kind, parent, self.sample_rate, self.template, None,
                            self._limiter if self._limiter_for is STATE.client else self.limiter())
            if type(span) is Span:
                self.capture_input(span, args, kwargs)
                span.client.span_started(span)
            return span
        except Exception:
            return None

    def capture_input(self, span: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None:
        client = span.client
        if not (self.capture_args if self.capture_args is not None else client.capture_args):
            return
        if self.skip_first:
            args = args[1:]
        if not args and not kwargs:
            return
        redactor = client.redactor
        if self._secret_for is not redactor:  # parameter names are checked once per configuration
            self._secret = frozenset(n for n in self.names if redactor.is_secret(n))
            self._secret_for = redactor
        span.input, span.input_size = client.serializer.capture_args(self.names, self._secret, args, kwargs, self.varargs)


def _qualname(fn: Any) -> str:
    """`Cart.total` for functions; the wrapped function's name for partials; the class's name for
    callable objects."""
    target = fn.func if isinstance(fn, functools.partial) else fn
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", None)
    if not isinstance(name, str):
        name = getattr(type(target), "__qualname__", None) or "callable"
    return str(name)


def _parameters(fn: Callable[..., Any]) -> Tuple[Tuple[str, ...], str, bool]:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return (), "args", False
    names = tuple(p.name for p in params if p.kind in _POSITIONAL)
    varargs = next((p.name for p in params if p.kind == inspect.Parameter.VAR_POSITIONAL), "args")
    skip_first = bool(names) and names[0] in ("self", "cls")
    return (names[1:] if skip_first else names), varargs, skip_first


def _code_attributes(fn: Callable[..., Any]) -> Dict[str, Any]:
    attributes: Dict[str, Any] = {"code.function": _qualname(fn)}
    module = getattr(fn.func if isinstance(fn, functools.partial) else fn, "__module__", None)
    if isinstance(module, str):
        attributes["code.namespace"] = module
    target = fn.func if isinstance(fn, functools.partial) else fn
    code = getattr(inspect.unwrap(target), "__code__", None) or getattr(getattr(target, "__call__", None), "__code__", None)
    if code is not None:
        attributes["code.filepath"] = code.co_filename
        attributes["code.lineno"] = code.co_firstlineno
    return attributes


def _sync(fn: Callable[..., Any], meta: Meta) -> Callable[..., Any]:
    capture_result, ignore, start, replay = meta.capture_result, meta.ignore, meta.start, meta.replay

    @functools.wraps(fn)
    def tracked(*args: Any, **kwargs: Any) -> Any:
        # One frame: everything else is a call that returns before `fn` runs or after it ends.
        if not STATE.enabled:
            return fn(*args, **kwargs)
        parent = get_current()
        if parent is NON_RECORDING:
            return fn(*args, **kwargs)
        span = start(parent, args, kwargs)
        if span is None:
            return fn(*args, **kwargs)
        token = current.set(span)
        if type(span) is not Span:  # not sampled, or dropped: so is everything it calls
            try:
                return fn(*args, **kwargs)
            finally:
                current.reset(token)
        deep = span.depth >= DEEP
        if deep:
            deeper()
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            current.reset(token)
            if deep:
                shallower()
            if replay or (replay is None and span.client.replay_all):
                keep_error(span, exc)
            fail(span, exc, ignore)
            raise
        current.reset(token)
        if deep:
            shallower()
        try:  # succeed(), inlined: this runs once per call
            if result is not None and (capture_result if capture_result is not None else span.client.capture_result):
                span.output, span.output_size = span.client.serializer.capture(result)
            if replay or (replay is None and span.client.replay_all):
                keep_result(span, result)
            span.finish("ok")
        except Exception:
            pass
        return result

    return tracked


def _reset(token: Any) -> None:
    """A coroutine driven by hand (not by an event loop) may resume in another context."""
    try:
        current.reset(token)
    except ValueError:
        pass


def _coroutine(fn: Callable[..., Any], meta: Meta) -> Callable[..., Any]:
    capture_result, ignore, start, replay = meta.capture_result, meta.ignore, meta.start, meta.replay

    @functools.wraps(fn)
    async def tracked(*args: Any, **kwargs: Any) -> Any:
        if not STATE.enabled:
            return await fn(*args, **kwargs)
        parent = get_current()
        if parent is NON_RECORDING:
            return await fn(*args, **kwargs)
        span = start(parent, args, kwargs)
        if span is None:
            return await fn(*args, **kwargs)
        token = current.set(span)
        if type(span) is not Span:
            try:
                return await fn(*args, **kwargs)
            finally:
                _reset(token)
        try:
            result = await fn(*args, **kwargs)
        except BaseException as exc:
            _reset(token)
            if replay or (replay is None and span.client.replay_all):
                keep_error(span, exc)
            fail(span, exc, ignore)
            raise
        _reset(token)
        if replay or (replay is None and span.client.replay_all):
            keep_result(span, result)
        succeed(span, result, capture_result)
        return result

    return tracked


def _decorate(fn: Any, name: Optional[str], options: Dict[str, Any]) -> Any:
    if DISABLED_AT_IMPORT or getattr(fn, MARKER, False):
        return fn
    if isinstance(fn, (classmethod, staticmethod)):
        return type(fn)(_decorate(fn.__func__, name, options))
    if isinstance(fn, type):
        from ._instrument import track_class

        return track_class(fn, **options)
    if not callable(fn):
        warn_user(f"@track needs a function, got {type(fn).__name__}; left untracked")
        return fn
    existing = wrapper_of(fn)
    if existing is not None:  # tracked once: every name for it gets the same wrapper
        return existing
    try:
        meta = Meta(fn, name, options["kind"], options["capture_args"], options["capture_result"],
                    options["sample_rate"], options["ignore_errors"], options["max_per_second"],
                    options.get("replay"), bool(options.get("invocable")))
        if inspect.isasyncgenfunction(fn):
            wrapper = wrap_async_generator(fn, meta)
        elif inspect.isgeneratorfunction(fn):
            wrapper = wrap_generator(fn, meta)
        elif inspect.iscoroutinefunction(fn):
            wrapper = _coroutine(fn, meta)
            if PLAYER is not None:  # started by `runtime-hub replay`
                wrapper = replay_coroutine(fn, meta, wrapper, PLAYER)
        else:
            wrapper = _sync(fn, meta)
            if PLAYER is not None:
                wrapper = replay_sync(fn, meta, wrapper, PLAYER)
        if meta.invocable:
            register_invocable(meta, wrapper)
        setattr(wrapper, MARKER, True)
        remember(fn, wrapper)
        return wrapper
    except Exception as exc:
        warn_user(f"could not track {fn!r} ({exc!r}); left untracked")
        return fn


@overload
def track(fn: F) -> F: ...


@overload
def track(
    fn: Optional[str] = None,
    *,
    name: Optional[str] = None,
    kind: str = "function",
    capture_args: Optional[bool] = None,
    capture_result: Optional[bool] = None,
    sample_rate: Optional[float] = None,
    ignore_errors: Optional[Sequence[Any]] = None,
    max_per_second: Optional[float] = None,
    replay: Optional[bool] = None,
    invocable: bool = False,
) -> Callable[[F], F]: ...


def track(
    fn: Union[F, str, None] = None,
    *,
    name: Optional[str] = None,
    kind: str = "function",
    capture_args: Optional[bool] = None,
    capture_result: Optional[bool] = None,
    sample_rate: Optional[float] = None,
    ignore_errors: Optional[Sequence[Any]] = None,
    max_per_second: Optional[float] = None,
    replay: Optional[bool] = None,
    invocable: bool = False,
) -> Union[F, Callable[[F], F]]:
    """Record every call of a function as a span: arguments, return value or exception, timing,
    and its place in the call tree. Works on functions, methods, classmethods, staticmethods,
    coroutines, generators and async generators (and on a class: all its methods).

    Options left as None follow `configure(...)`. `sample_rate` keeps that share of this
    function's calls (and what they call); `max_per_second` keeps at most that many per second
    (and what they call). `ignore_errors` lists exceptions (classes or names) that this function
    raises as control flow: recorded, but the span's status stays "ok"; they add to the
    configured ones. A function is tracked once: tracking it again returns the same wrapper.
    `replay=True` keeps a faithful encoding of each result (or exception) so `runtime-hub replay`
    can return it without running the call (docs/replay.md); `invocable=True` lets the dashboard
    call the function again inside the running app when `configure(invocable=True)` opens the
    channel to the hub.

    Example::

        @track
        def add(a, b):
            return a + b

        @track(name="llm.answer", kind="llm", capture_result=False)
        async def answer(question): ...

        @track(ignore_errors=[KeyError])
        def lookup(table, key): ...
    """
    options: Dict[str, Any] = dict(kind=kind, capture_args=capture_args, capture_result=capture_result,
                                   sample_rate=sample_rate, ignore_errors=ignore_errors, max_per_second=max_per_second,
                                   replay=replay, invocable=invocable)
    if isinstance(fn, str):  # @track("custom name")
        name, fn = fn, None
    if fn is None:
        return lambda f: cast(F, _decorate(f, name, options))
    return cast(F, _decorate(fn, name, options))
