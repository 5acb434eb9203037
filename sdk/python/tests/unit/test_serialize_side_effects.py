"""Regression tests for issue 18: recording arguments must cost little and change nothing."""

import collections
import json
import shelve

from runtime_hub import track
from runtime_hub._redact import Redactor
from runtime_hub._serialize import Serializer


def make():
    return Serializer(redactor=Redactor())


class Pickled:
    loads = 0

    def __setstate__(self, state):
        Pickled.loads += 1
        self.__dict__.update(state)


def test_a_shelve_argument_is_not_unpickled(tmp_path, spans):
    with shelve.open(str(tmp_path / "db")) as db:
        db["a"] = Pickled()
        db["b"] = Pickled()
        Pickled.loads = 0

        @track
        def lookup(store, key):
            return key in store

        assert lookup(db, "a") is True
        assert Pickled.loads == 0  # the SDK did not read an entry
        record = spans.finished()[0]
        assert record["input"]["store"] == "<shelve.DbfilenameShelf object>"


class CountingDict(dict):
    calls = 0

    def items(self):
        CountingDict.calls += 1
        return super().items()

    def __iter__(self):
        CountingDict.calls += 1
        return super().__iter__()


def test_subclasses_of_plain_containers_are_read_without_their_overrides():
    out = make().capture(CountingDict(a=1))[0]
    assert out == {"a": 1} and CountingDict.calls == 0


def test_a_million_item_deque_is_walked_like_a_list_not_repr_d():
    # Its first max_items items, then a count; the cost per call is in bench/python-sdk.
    out, size = make().capture(collections.deque(range(1_000_000)))
    assert out[:3] == [0, 1, 2] and len(out) == 51 and out[-1] == "… 999950 more items"
    assert size < 2_000


def test_every_container_type_stops_at_max_items():
    ser = Serializer(max_items=3, redactor=Redactor())
    for value in (list(range(10**6)), tuple(range(10**6)), set(range(10**6)), frozenset(range(10**6)),
                  collections.deque(range(10**6))):
        out = ser.capture(value)[0]
        assert len(out) == 4 and out[-1] == "… 999997 more items", type(value)
    out = ser.capture({i: i for i in range(10**6)})[0]
    assert len(out) == 4 and out["…"] == "999997 more keys"


def test_big_ints_count_what_is_written():
    ser = Serializer(max_string=10_000, max_items=10_000, max_bytes=100_000, redactor=Redactor())
    value, size = ser.capture([10**3000] * 1000)
    written = len(json.dumps(value))
    assert written < 120_000  # stopped at the byte budget, not at 1000 items
    assert size >= written * 0.9  # and the budget knew what it wrote


def test_ints_too_long_for_max_string_are_described():
    out, size = make().capture(10**5000)
    assert out.startswith("<int with") and size < 100
