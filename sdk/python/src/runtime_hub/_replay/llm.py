"""The instrumented LLM clients in replay mode: a recorded answer comes back as the client's own
response object without a request; the checkpoint is sent with the edited request."""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Optional, Tuple

from .._context import current
from .._span import Span
from .player import REPLAY, Player, edited_kwargs

# A replayed answer cost nothing: its span must not add the recorded tokens to the branch's cost.
_USAGE_KEYS = ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens")


def _begin(spec: Any, player: Player, kwargs: Dict[str, Any]) -> Tuple[Optional[str], Any, Optional[Dict[str, Any]], Dict[str, Any]]:
    """(place or None when outside the replayed run, span, recorded call to replay, kwargs)."""
    from ..integrations._llm import _start

    parent = current.get()
    place = player.place_for(parent, spec.name(kwargs))
    if place is None:
        return None, None, None, kwargs
    if player.is_checkpoint(place) and player.edits:
        kwargs = edited_kwargs(kwargs, player.edits)
    span = _start(spec, kwargs)
    if span is not None:
        player.enter(span, place)
    try:
        verdict, call = player.decide(place, spec.name(kwargs), span)
    except BaseException as exc:
        if span is not None:
            from .._start import fail

            fail(span, exc)
        raise
    return place, span, (call if verdict == REPLAY else None), kwargs


def _replayed(spec: Any, player: Player, span: Any, call: Dict[str, Any]) -> Any:
    if type(span) is not Span:
        return player.replay(None, call)
    try:
        if "result" in call:
            from .codec import decode

            spec.read_response(span, decode(call["result"]))
            for key in _USAGE_KEYS:
                if span.attributes:
                    span.attributes.pop(key, None)
    except Exception:
        pass
    return player.replay(span, call, output=False)


def replay_method(original: Callable[..., Any], spec: Any, is_async: bool, plain: Callable[..., Any], player: Player) -> Callable[..., Any]:
    from ..integrations._llm import call_in_span, call_in_span_async

    if is_async:

        @functools.wraps(original)
        async def create_async(self: Any, *args: Any, **kwargs: Any) -> Any:
            place, span, call, kwargs = _begin(spec, player, kwargs)
            if place is None:
                return await plain(self, *args, **kwargs)
            if call is not None:
                return _replayed(spec, player, span, call)
            return await call_in_span_async(spec, span, original, self, args, kwargs)

        create_async.__runtime_hub_original__ = original  # type: ignore[attr-defined]
        return create_async

    @functools.wraps(original)
    def create(self: Any, *args: Any, **kwargs: Any) -> Any:
        place, span, call, kwargs = _begin(spec, player, kwargs)
        if place is None:
            return plain(self, *args, **kwargs)
        if call is not None:
            return _replayed(spec, player, span, call)
        return call_in_span(spec, span, original, self, args, kwargs)

    create.__runtime_hub_original__ = original  # type: ignore[attr-defined]
    return create
