"""Replay mode: the recording of the run being replayed, the place of each call as the program
runs again, and what to do with it (replay it, run it for real, report a divergence).

Active only when `runtime-hub replay` started this process: it hands the recording over in the
file named by RUNTIME_HUB_REPLAY. A normal run never reaches this module's code (the replay
wrappers are chosen when functions are decorated).
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import threading
from typing import Any, Callable, Dict, Optional, Tuple

from .._log import logger, warn_user
from .._span import Span
from .codec import decode, decode_error
from .keep import input_hash

ENV = "RUNTIME_HUB_REPLAY"

OF = "runtime_hub.replay.of"
FROM_SPAN = "runtime_hub.replay.from_span"
REPLAYED = "runtime_hub.replay.replayed"
RECORDED_SPAN = "runtime_hub.replay.recorded_span"
CHECKPOINT = "runtime_hub.replay.checkpoint"
EDITED = "runtime_hub.replay.edited"
DIVERGENCE = "runtime_hub.replay.divergence"

LIVE = "live"
REPLAY = "replay"


class ReplayDivergence(Exception):
    """Raised by a tracked call in a `runtime-hub replay --strict` run where the program stops
    doing what the recording did (another input, or a call the recording does not have)."""


class Player:
    def __init__(self, data: Dict[str, Any]) -> None:
        self.trace_id: str = data["traceId"]
        self.from_span: str = data["fromSpan"]
        self.new_trace_id = int(data["newTraceId"], 16)
        self.strict = bool(data.get("strict"))
        self.edits: Optional[Dict[str, Any]] = data.get("input") or None
        self.report_path: Optional[str] = data.get("report")
        self.calls: Dict[str, Dict[str, Any]] = {c["place"]: c for c in data.get("calls", [])}
        self.checkpoint_place: str = str(data["checkpoint"]["place"])
        self.root_place: str = self.checkpoint_place.split("/", 1)[0]
        self.root_name = self.root_place.rsplit("#", 1)[0]
        self.places: Dict[int, Tuple[str, Dict[str, int]]] = {}
        self.root_started = False
        self.reached = False
        self.diverged = False
        self.lock = threading.Lock()

    # -- places ----------------------------------------------------------------------------------

    def place_for(self, parent: Any, name: str) -> Optional[str]:
        """The place of a call starting now under `parent`, or None when it is outside the replayed
        run (another root call, a call under an untracked thread)."""
        with self.lock:
            if parent is None:
                if self.root_started or name != self.root_name:
                    return None
                self.root_started = True
                return str(self.root_place)
            entry = self.places.get(parent.span_id_int) if type(parent) is Span else None
            if entry is None:
                return None
            place, counters = entry
            ordinal = counters.get(name, 0)
            counters[name] = ordinal + 1
            return f"{place}/{name}#{ordinal}"

    def enter(self, span: Any, place: str) -> None:
        """A span now stands at `place`: its children count from here; the root carries the link."""
        if type(span) is not Span:
            return
        with self.lock:
            self.places[span.span_id_int] = (place, {})
        if place == self.root_place and span.parent_id_int is None:
            span.trace_id_int = self.new_trace_id
            span.set_attribute(OF, self.trace_id)
            span.set_attribute(FROM_SPAN, self.from_span)

    # -- decisions ---------------------------------------------------------------------------------

    def is_checkpoint(self, place: str) -> bool:
        return place == self.checkpoint_place

    def decide(self, place: str, name: str, span: Any) -> Tuple[str, Optional[Dict[str, Any]]]:
        """(REPLAY, recorded call) or (LIVE, None). Raises ReplayDivergence in a strict replay."""
        if place == self.checkpoint_place:
            self.reached = True
            if type(span) is Span:
                span.set_attribute(CHECKPOINT, True)
                if self.edits:
                    span.set_attribute(EDITED, True)
            self.event({"type": "checkpoint", "place": place, "name": name, "edited": bool(self.edits)})
            return LIVE, None
        if self.diverged:
            return LIVE, None
        call = self.calls.get(place)
        if call is None:
            if not self.reached:
                self.divergence(span, place, name, "the recording has no call at this place", None)
            return LIVE, None
        recorded_hash = call.get("inputHash")
        if recorded_hash and not self.reached and type(span) is Span:
            new_hash = input_hash(span.input)
            if new_hash != recorded_hash:
                self.divergence(span, place, name, f"input differs from the recording ({new_hash} ≠ {recorded_hash})", call, new_hash)
                return LIVE, None
        if call.get("phase") != "before":
            return LIVE, None
        if "result" not in call and "error" not in call:
            self.event({"type": "live", "place": place, "name": name, "reason": f"not replayable: {call.get('skipped', 'no recorded result')}", "recordedSpan": call.get("spanId")})
            return LIVE, None
        self.event({"type": "replayed", "place": place, "name": name, "recordedSpan": call.get("spanId")})
        return REPLAY, call

    def divergence(self, span: Any, place: str, name: str, reason: str, call: Optional[Dict[str, Any]], new_hash: Optional[str] = None) -> None:
        self.diverged = True
        event: Dict[str, Any] = {"type": "divergence", "place": place, "name": name, "reason": reason}
        if call is not None:
            event["recordedSpan"] = call.get("spanId")
            event["recordedHash"] = call.get("inputHash")
        if new_hash is not None:
            event["hash"] = new_hash
        self.event(event)
        text = f"divergence at {place}: {reason}"
        if type(span) is Span:
            span.set_attribute(DIVERGENCE, text)
            span.add_event("replay.divergence", {"place": place, "reason": reason})
        sys.stderr.write(f"runtime-hub replay: {text}{'' if self.strict else '; running everything from here for real'}\n")
        if self.strict:
            raise ReplayDivergence(text)

    def replay(self, span: Any, call: Dict[str, Any], output: bool = True) -> Any:
        """The recorded result (or raises the recorded exception), on a span that says so."""
        if type(span) is Span:
            span.set_attribute(REPLAYED, True)
            span.set_attribute(RECORDED_SPAN, str(call.get("spanId")))
        if "error" in call:
            exc = decode_error(call["error"])
            if type(span) is Span:
                from .._start import fail

                fail(span, exc)
            raise exc
        value = decode(call["result"])
        if type(span) is Span:
            if output and value is not None and span.client.capture_result:
                span.set_output(value)
            span.finish("ok")
        return value

    # -- edited input ---------------------------------------------------------------------------

    def edited_arguments(self, fn: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
        """The checkpoint's arguments with the edited ones laid over them, by parameter name."""
        if not self.edits:
            return args, kwargs
        try:
            signature = inspect.signature(fn)
            bound = signature.bind_partial(*args, **kwargs)
        except (TypeError, ValueError):
            return args, {**kwargs, **self.edits}
        var_kw = next((p.name for p in signature.parameters.values() if p.kind is inspect.Parameter.VAR_KEYWORD), None)
        for key, value in self.edits.items():
            if key in signature.parameters and signature.parameters[key].kind is not inspect.Parameter.VAR_KEYWORD:
                bound.arguments[key] = carry_over(bound.arguments.get(key), value)
            elif var_kw is not None:
                bound.arguments.setdefault(var_kw, {})[key] = value
            else:
                warn_user(f"replay --input names {key!r}, which is not a parameter of {getattr(fn, '__qualname__', fn)}; ignored")
        return tuple(bound.args), dict(bound.kwargs)

    def event(self, event: Dict[str, Any]) -> None:
        if not self.report_path:
            return
        try:
            with self.lock, open(self.report_path, "a", encoding="utf-8") as report:
                report.write(json.dumps(event, ensure_ascii=False) + "\n")
        except Exception:
            logger.debug("could not write the replay report", exc_info=True)


def carry_over(original: Any, edited: Any) -> Any:
    """The edited value; a list or dict the program passed is changed in place, so the program
    carries the edit on (an agent's conversation keeps the edited messages for its next calls)."""
    try:
        if type(original) is list and isinstance(edited, list):
            original[:] = edited
            return original
        if type(original) is dict and isinstance(edited, dict):
            original.clear()
            original.update(edited)
            return original
    except Exception:
        pass
    return edited


def edited_kwargs(kwargs: Dict[str, Any], edits: Dict[str, Any]) -> Dict[str, Any]:
    """An LLM call's keyword arguments with the edited ones laid over them (see carry_over)."""
    out = dict(kwargs)
    for key, value in edits.items():
        out[key] = carry_over(kwargs.get(key), value)
    return out


def _load() -> Optional[Player]:
    path = os.environ.get(ENV)
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as file:
            return Player(json.load(file))
    except Exception as exc:
        warn_user(f"{ENV}={path!r} could not be read ({exc!r}); running without replay")
        return None


PLAYER: Optional[Player] = _load()
