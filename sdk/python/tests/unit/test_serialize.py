"""The serializer never raises and keeps every value within the limits."""

import collections
import dataclasses
import datetime
import decimal
import enum
import json
import math
import threading
import uuid
from pathlib import Path

import pytest

from runtime_hub import track
from runtime_hub._redact import Redactor
from runtime_hub._serialize import Serializer


@pytest.fixture
def ser():
    return Serializer(redactor=Redactor())


def roundtrip(value):
    """What the hub would receive: the serialized value must be valid JSON."""
    return json.loads(json.dumps(value, allow_nan=False))


def test_scalars(ser):
    assert ser.capture(1)[0] == 1
    assert ser.capture("x")[0] == "x"
    assert ser.capture(None)[0] is None
    assert ser.capture(True)[0] is True
    assert ser.capture(1.5)[0] == 1.5


def test_nan_inf_and_huge_ints(ser):
    assert roundtrip(ser.capture([math.nan, math.inf, -math.inf])[0]) == ["NaN", "Infinity", "-Infinity"]
    assert ser.capture(2**60)[0] == str(2**60)
    assert ser.capture(-(2**60))[0] == str(-(2**60))
    huge = ser.capture(10**100000)[0]
    assert huge.startswith("<int with") and len(huge) < 100


def test_long_strings_are_cut(ser):
    out = ser.capture("a" * 5000)[0]
    assert out.startswith("a" * 1024) and out.endswith("(3976 more chars)")


def test_depth_items_and_cycles(ser):
    deep = {"l1": {"l2": {"l3": {"l4": {"l5": {"l6": 1}}}}}}
    out = ser.capture(deep)[0]
    assert out["l1"]["l2"]["l3"]["l4"]["l5"] == "<dict len=1>"
    many = ser.capture(list(range(500)))[0]
    assert len(many) == 51 and many[-1] == "… 450 more items"
    wide = ser.capture({f"k{i}": i for i in range(80)})[0]
    assert len(wide) == 51 and wide["…"] == "30 more keys"
    cycle: list = [1]
    cycle.append(cycle)
    assert ser.capture(cycle)[0] == [1, "[Circular]"]
    shared = [1]
    assert ser.capture([shared, shared])[0] == [[1], [1]]  # repeated, not circular


def test_limits_are_configurable():
    ser = Serializer(max_string=10, max_depth=2, max_items=3, redactor=Redactor())
    out = ser.capture({"s": "x" * 20, "l": [1, 2, 3, 4], "d": {"e": {"f": 1}}})[0]
    assert out["s"].startswith("x" * 10) and out["l"] == [1, 2, 3, "… 1 more items"]
    assert out["d"] == {"e": "<dict len=1>"}


class BadRepr:
    def __repr__(self):
        raise RuntimeError("no repr")


class ExplodingAttributes:
    def __getattr__(self, name):
        raise RuntimeError(name)

    def __getattribute__(self, name):
        raise RuntimeError(name)


def test_unknown_objects_are_described_without_running_their_code(ser):
    # A __repr__ can be slow or have side effects; it is never called.
    assert ser.capture(BadRepr())[0] == f"<{__name__}.BadRepr object>"
    # its instance fields are read from __dict__ directly: neither __getattr__ nor __getattribute__ runs
    assert ser.capture(ExplodingAttributes())[0] == {"__class__": f"{__name__}.ExplodingAttributes"}
    roundtrip(ser.capture([BadRepr(), ExplodingAttributes(), {"k": BadRepr()}])[0])


def test_unknown_objects_in_a_tracked_call(spans):
    @track
    def f(a, b):
        return BadRepr()

    result = f(BadRepr(), ExplodingAttributes())
    assert isinstance(result, BadRepr)
    record = spans.finished()[0]
    assert record["input"]["a"].endswith("BadRepr object>") and record["output"].endswith("BadRepr object>")


def test_bytes(ser):
    assert ser.capture(b"\x00ab")[0] == "b'\\x00ab'"
    big = ser.capture(bytes(5000))[0]
    assert big.endswith("(5000 bytes)")
    assert ser.capture(bytearray(b"x"))[0] == "b'x'"


def test_rich_types(ser):
    @dataclasses.dataclass
    class Point:
        x: int
        y: int
        password: str = "p"

    Pair = collections.namedtuple("Pair", "left right")

    class Color(enum.Enum):
        RED = 1

    out = roundtrip(
        ser.capture(
            {
                "point": Point(1, 2),
                "pair": Pair(1, 2),
                "color": Color.RED,
                "when": datetime.datetime(2024, 1, 2, 3, 4, 5),
                "day": datetime.date(2024, 1, 2),
                "delta": datetime.timedelta(seconds=1.5),
                "money": decimal.Decimal("1.10"),
                "id": uuid.UUID(int=1),
                "path": Path("/tmp/x"),
                "set": {1},
                "frozen": frozenset([2]),
                "tuple": (1, "a"),
                "func": len,
                "cls": Point,
                "complex": 1j,
            }
        )[0]
    )
    assert out["point"] == {"__class__": out["point"]["__class__"], "x": 1, "y": 2, "password": "[REDACTED]"}
    assert out["point"]["__class__"].endswith("Point")
    assert out["pair"] == {"left": 1, "right": 2}
    assert out["color"] == "Color.RED"
    assert out["when"] == "2024-01-02T03:04:05" and out["day"] == "2024-01-02"
    assert out["delta"] == 1.5 and out["money"] == "1.10"
    assert out["id"] == str(uuid.UUID(int=1)) and out["path"] == "/tmp/x"
    assert out["set"] == [1] and out["frozen"] == [2] and out["tuple"] == [1, "a"]
    assert out["func"] == "<function len>" and out["cls"].startswith("<class")
    assert out["complex"] == "1j"


def test_pydantic_models_show_their_fields_without_model_dump(ser):
    import pydantic  # a dependency of the openai test extra

    class User(pydantic.BaseModel):
        name: str
        api_key: str

        def model_dump(self, *args, **kwargs):  # user code: never called by the SDK
            raise AssertionError("model_dump was called")

    out = ser.capture(User(name="a", api_key="k"))[0]
    assert out["name"] == "a" and out["api_key"] == "[REDACTED]" and out["__class__"].endswith("User")


def test_numpy_shaped_objects_from_elsewhere_are_not_touched(ser):
    class FakeArray:  # looks like an array, but is not numpy's: its methods are app code
        shape = (2, 3)
        dtype = "float64"

        def tolist(self):
            raise AssertionError("tolist was called")

        def __repr__(self):
            return "FakeArray"

    assert ser.capture(FakeArray())[0].endswith("FakeArray object>")


def test_plain_objects_show_their_fields(ser):
    class Order:
        def __init__(self):
            self.id = 7
            self.token = "t"

    out = ser.capture(Order())[0]
    assert out["id"] == 7 and out["token"] == "[REDACTED]" and out["__class__"].endswith("Order")


def test_value_is_snapshotted_at_call_time(spans):
    @track
    def mutate(items):
        items.append(4)
        return items

    mutate([1, 2, 3])
    record = spans.finished()[0]
    assert record["input"] == {"items": [1, 2, 3]} and record["output"] == [1, 2, 3, 4]


def test_concurrent_mutation_does_not_break_capture(ser):
    shared = {i: i for i in range(100)}
    stop = threading.Event()

    def churn():
        i = 0
        while not stop.is_set():
            shared[1000 + i % 50] = i
            shared.pop(1000 + (i + 25) % 50, None)
            i += 1

    thread = threading.Thread(target=churn)
    thread.start()
    try:
        for _ in range(2000):
            roundtrip(ser.capture(shared)[0])
    finally:
        stop.set()
        thread.join()


def test_span_size_limit_drops_the_larger_of_input_and_output(spans):
    import runtime_hub

    runtime_hub.configure(transport=spans, max_span_bytes=4096, max_items=1000, max_string=100_000)

    @track
    def big(data, answer_size):
        return "y" * answer_size

    big("x" * 200, 5000)
    record = spans.finished()[0]
    assert record["input"] == {"data": "x" * 200, "answer_size": 5000}
    assert record["output"].startswith("[dropped: output of ~")

    big("x" * 6000, 10)
    record = spans.finished()[-1]
    assert record["input"].startswith("[dropped: input of ~") and record["output"] == "y" * 10


def test_a_huge_value_is_bounded_by_the_byte_budget():
    ser = Serializer(max_items=10_000, max_string=10_000, max_bytes=50_000, redactor=Redactor())
    value, size = ser.capture([["x" * 1000] * 1000] * 100)
    assert len(json.dumps(value)) < 60_000 and size < 60_000
