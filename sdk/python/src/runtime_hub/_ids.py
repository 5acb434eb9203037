"""Span and trace ids.

A private generator, so that `random.seed(0)` in the host app cannot make two processes emit the
same ids, reseeded after fork for the same reason. Ids stay ints on the hot path; they are
formatted as hex on the transport thread.
"""

from __future__ import annotations

import os
import random

_rng = random.Random(os.urandom(16))
getrandbits = _rng.getrandbits
rand = _rng.random


def reseed() -> None:
    _rng.seed(os.urandom(16))


def new_instance_id() -> str:
    return os.urandom(8).hex()


def trace_hex(value: int) -> str:
    return "%032x" % value


def span_hex(value: int) -> str:
    return "%016x" % value


def parse_hex(text: str, digits: int) -> int | None:
    """The int for a well-formed, non-zero lowercase hex id of `digits` digits, else None."""
    if not isinstance(text, str) or len(text) != digits:
        return None
    try:
        value = int(text, 16)
    except ValueError:
        return None
    return value or None
