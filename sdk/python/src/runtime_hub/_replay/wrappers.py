"""`@track` wrappers of a process started by `runtime-hub replay`: each call finds its place, then
is replayed (its recorded result returned, the function not run) or runs for real — the
checkpoint with the edited arguments. Calls outside the replayed run take the normal wrapper."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Tuple

from .._context import current
from .._runtime import STATE
from .._span import Span
from .._start import fail, new_span
from .keep import keep_error, keep_result
from .player import REPLAY, Player

if TYPE_CHECKING:
    from .._track import Meta


def _keeps(meta: Meta, span: Any) -> bool:
    return meta.replay is True or (meta.replay is None and span.client.replay_all)


def _begin(player: Player, meta: Meta, fn: Callable[..., Any], parent: Any, place: str, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[Any, Optional[Dict[str, Any]], Tuple[Any, ...], Dict[str, Any]]:
    """(span, recorded call to replay or None, args, kwargs); may raise ReplayDivergence (strict)."""
    if player.is_checkpoint(place):
        args, kwargs = player.edited_arguments(fn, args, kwargs)
    span = new_span(meta.name, meta.kind, parent, meta.sample_rate, meta.template, None, None)
    if type(span) is Span:
        player.enter(span, place)
        meta.capture_input(span, args, kwargs)
    try:
        verdict, call = player.decide(place, meta.name, span)
    except BaseException as exc:
        if type(span) is Span:
            span.client.span_started(span)
            fail(span, exc, None)
        raise
    if type(span) is Span:
        span.client.span_started(span)
    return span, (call if verdict == REPLAY else None), args, kwargs


def _end_ok(meta: Meta, span: Any, result: Any) -> None:
    if type(span) is not Span:
        return
    try:
        capture = meta.capture_result if meta.capture_result is not None else span.client.capture_result
        if result is not None and capture:
            span.output, span.output_size = span.client.serializer.capture(result)
        if _keeps(meta, span):
            keep_result(span, result)
        span.finish("ok")
    except Exception:
        pass


def _end_error(meta: Meta, span: Any, exc: BaseException) -> None:
    if type(span) is not Span:
        return
    if _keeps(meta, span):
        keep_error(span, exc)
    fail(span, exc, meta.ignore)


def replay_sync(fn: Callable[..., Any], meta: Meta, normal: Callable[..., Any], player: Player) -> Callable[..., Any]:
    @functools.wraps(fn)
    def tracked(*args: Any, **kwargs: Any) -> Any:
        if not STATE.enabled:
            return fn(*args, **kwargs)
        parent = current.get()
        place = player.place_for(parent, meta.name)
        if place is None:
            return normal(*args, **kwargs)
        span, call, args, kwargs = _begin(player, meta, fn, parent, place, args, kwargs)
        if call is not None:
            return player.replay(span, call)
        token = current.set(span)
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            current.reset(token)
            _end_error(meta, span, exc)
            raise
        current.reset(token)
        _end_ok(meta, span, result)
        return result

    return tracked


def replay_coroutine(fn: Callable[..., Any], meta: Meta, normal: Callable[..., Any], player: Player) -> Callable[..., Any]:
    @functools.wraps(fn)
    async def tracked(*args: Any, **kwargs: Any) -> Any:
        if not STATE.enabled:
            return await fn(*args, **kwargs)
        parent = current.get()
        place = player.place_for(parent, meta.name)
        if place is None:
            return await normal(*args, **kwargs)
        span, call, args, kwargs = _begin(player, meta, fn, parent, place, args, kwargs)
        if call is not None:
            return player.replay(span, call)
        token = current.set(span)
        try:
            result = await fn(*args, **kwargs)
        except BaseException as exc:
            _reset(token)
            _end_error(meta, span, exc)
            raise
        _reset(token)
        _end_ok(meta, span, result)
        return result

    return tracked


def _reset(token: Any) -> None:
    try:
        current.reset(token)
    except ValueError:
        pass
