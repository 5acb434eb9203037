"""The replay encoding (docs/replay.md): faithful round trips, bounded size, secrets never kept."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import uuid
from collections import namedtuple
from pathlib import Path

import openai.types.chat as chat

from runtime_hub._redact import Redactor
from runtime_hub._replay.codec import ReplayedError, decode, decode_error, encode


@dataclasses.dataclass
class Order:
    sku: str
    qty: int
    tags: tuple


Point = namedtuple("Point", "x y")


class CustomError(Exception):
    pass


def roundtrip(value):
    text, why = encode(value, 1_000_000)
    assert why is None, why
    return decode(json.loads(text))


def test_values_come_back_with_their_types():
    value = {
        "ints": [1, 2**70, -(2**60)],
        "floats": [1.5, float("inf")],
        (1, "a"): {"set": {1, 2}, "frozen": frozenset({"x"})},
        "bytes": b"\x00\xff",
        "when": datetime.datetime(2026, 1, 2, 3, 4, 5),
        "money": decimal.Decimal("1.10"),
        "id": uuid.UUID(int=7),
        "path": Path("/tmp/x"),
        "order": Order("A-1", 2, ("a", "b")),
        "point": Point(1, 2),
        "none": None,
    }
    back = roundtrip(value)
    assert back == value
    assert type(back["order"]) is Order and type(back["point"]) is Point and type(back["ints"]) is list
    assert isinstance(back["order"].tags, tuple)


def test_nan_survives():
    back = roundtrip(float("nan"))
    assert back != back


def test_openai_response_models_are_rebuilt_as_the_clients_own_objects():
    completion = chat.ChatCompletion.model_validate({
        "id": "c1", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": None,
                     "tool_calls": [{"id": "t1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}}]}}],
    })
    back = roundtrip(completion)
    assert type(back) is chat.ChatCompletion
    assert back.choices[0].message.tool_calls[0].function.arguments == "{\"a\":1}"
    assert back.model_dump(exclude_unset=True) == completion.model_dump(exclude_unset=True)


def test_exceptions_are_rebuilt_and_unknown_ones_keep_their_message():
    error = decode_error(json.loads(encode(CustomError("boom", 3), 10_000)[0]))
    assert type(error) is CustomError and error.args == ("boom", 3)
    error = decode_error({"$": "exc", "cls": "nowhere.module:Gone", "args": ["x"], "message": "gone away"})
    assert isinstance(error, ReplayedError) and str(error) == "gone away"


def test_too_large_and_unsupported_values_are_refused_with_a_reason():
    text, why = encode(["x" * 2000], 1024)
    assert text is None and why.startswith("too large")
    text, why = encode(object(), 1024)
    assert text is None and "unsupported type builtins:object" in why
    cycle = []
    cycle.append(cycle)
    assert encode(cycle, 1024)[1] == "a cycle"


def test_values_under_secret_names_are_never_kept():
    text, why = encode({"user": "ann", "api_key": "sk-123"}, 10_000, Redactor((), True))
    assert text is None and "secret name" in why and "sk-123" not in why
    assert encode({"user": "ann"}, 10_000, Redactor((), True))[0] is not None
