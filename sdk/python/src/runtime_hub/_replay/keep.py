"""What a replayable call leaves on its span: its input hash and its encoded result or exception.

The attributes are written straight into the span's attribute map: `set_attribute` would cut
the encoding at `max_string`, and an encoding cut short is worse than none.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .codec import encode

INPUT_HASH = "runtime_hub.replay.input_hash"
RESULT = "runtime_hub.replay.result"
ERROR = "runtime_hub.replay.error"
SKIPPED = "runtime_hub.replay.skipped"


def input_hash(captured_input: Any) -> str:
    """`sha256:` + 16 hex digits of the recorded input's canonical JSON (what both runs capture)."""
    text = json.dumps(captured_input, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _put(span: Any, key: str, value: Any) -> None:
    if span.attributes is None:
        span.attributes = {}
    span.attributes[key] = value


def keep_result(span: Any, result: Any) -> None:
    try:
        _put(span, INPUT_HASH, input_hash(span.input))
        text, why = encode(result, span.client.config.max_replay_bytes, span.client.redactor)
        _put(span, RESULT, text) if text is not None else _put(span, SKIPPED, why)
    except Exception:
        pass


def keep_error(span: Any, exc: BaseException) -> None:
    try:
        _put(span, INPUT_HASH, input_hash(span.input))
        text, why = encode(exc, span.client.config.max_replay_bytes, span.client.redactor)
        _put(span, ERROR, text) if text is not None else _put(span, SKIPPED, why)
    except Exception:
        pass


def keep_skipped(span: Any, why: str) -> None:
    try:
        _put(span, INPUT_HASH, input_hash(span.input))
        _put(span, SKIPPED, why)
    except Exception:
        pass
