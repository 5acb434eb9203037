"""Turn any Python value into bounded, JSON-safe data. Never raises, never runs the app's code.

Runs on the caller's thread, so that what is recorded is the value at call time (a list mutated
after the call must not change the recorded input); JSON encoding happens later on the transport
thread.

Only types known to be plain data are walked: str, bytes, numbers, bool, None, dict, list, tuple,
set, frozenset, deque (and their subclasses, read through the base type's own C methods so an
override never runs), namedtuples, dataclasses, enums, datetimes, Decimal, UUID, paths. Every
other object is shown by its type name, plus its instance fields when its class keeps the default
`__repr__` (read from `__dict__` directly). No `__repr__`, `__len__`, `__iter__` or `__getattr__`
of an unknown type is ever called: a `shelve` would unpickle its entries, a lazy proxy would load
its data, a big container would be visited in full.

Every walk stops at the limits (items, depth, bytes) without visiting the rest, and the byte
budget counts what is written (a 3,000-digit int counts 3,000 bytes, not 8).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import enum
import json
import math
import types
import uuid
from collections.abc import Collection
from decimal import Decimal
from itertools import islice
from pathlib import PurePath
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

from ._redact import REDACTED, Redactor

MAX_SAFE_INT = 2**53 - 1  # larger ints lose precision in the browser; sent as strings
MIN_SAFE_INT = -MAX_SAFE_INT  # a constant: `-MAX_SAFE_INT` in a comparison negates on every call
TRUNCATED = "…"
_DIGITS_PER_BIT = 0.30103  # log10(2): the digits of an int, from its bit length, before str() runs
_FUNCTIONS = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.BuiltinMethodType)
# container base type -> (its own iterator, its own length): subclasses are read through these
_SEQUENCES: Tuple[Tuple[type, Any, Any], ...] = (
    (list, list.__iter__, list.__len__),
    (tuple, tuple.__iter__, tuple.__len__),
    (set, set.__iter__, set.__len__),
    (frozenset, frozenset.__iter__, frozenset.__len__),
    (collections.deque, collections.deque.__iter__, collections.deque.__len__),
)
_ITEMS: Dict[type, Any] = {dict: dict.items, collections.OrderedDict: collections.OrderedDict.items}
_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


def describe(t: type) -> str:
    """`module.Qualname` of a type (`Name` for builtins)."""
    module = getattr(t, "__module__", None) or ""
    name = str(getattr(t, "__qualname__", None) or getattr(t, "__name__", "object"))
    return name if module in ("builtins", "") else f"{module}.{name}"


def _float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")


class _Walk:
    __slots__ = ("size", "budget", "path")

    def __init__(self, budget: int) -> None:
        self.size = 0
        self.budget = budget
        self.path: Set[int] = set()


class Serializer:
    """Limits plus redaction; `capture` returns `(json_safe_value, approximate_encoded_bytes)`."""

    __slots__ = ("max_string", "max_depth", "max_items", "max_bytes", "redactor")

    def __init__(
        self,
        max_string: int = 1024,
        max_depth: int = 5,
        max_items: int = 50,
        max_bytes: int = 256 * 1024,
        redactor: Redactor | None = None,
    ) -> None:
        self.max_string = max_string
        self.max_depth = max_depth
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.redactor = redactor or Redactor(use_defaults=False)

    def capture(self, value: Any) -> Tuple[Any, int]:
        t = type(value)
        if t is str:
            n = len(value)
            if n <= self.max_string:
                return value, (n if value.isascii() else 3 * n) + 2
        elif t is int:
            if MIN_SAFE_INT <= value <= MAX_SAFE_INT:
                return value, 17
        elif t is bool or value is None:
            return value, 5
        elif t is float:
            return _float(value), 24
        walk = _Walk(self.max_bytes)
        try:
            out = self._value(value, 0, walk)
        except Exception:  # a bug here must cost one value, not the host's call
            out = self._marker(f"<unserializable {describe(t)}>", walk)
        return out, walk.size

    def capture_args(
        self, names: Tuple[str, ...], secret: FrozenSet[str], args: Tuple[Any, ...], kwargs: Dict[str, Any], varargs: str = "args"
    ) -> Tuple[Dict[str, Any], int]:
        """Arguments as one {parameter: value} map: positional ones by their parameter `names`,
        extra positional ones as a list under `varargs`, keyword ones by their own name."""
        out: Dict[str, Any] = {}
        size = 2
        capture = self.capture
        max_string = self.max_string
        for name, value in zip(names, args):
            if name in secret:
                out[name] = REDACTED
                size += 16
                continue
            t = type(value)
            # Inlined fast path for the usual scalar arguments; anything else takes capture().
            if t is int and MIN_SAFE_INT <= value <= MAX_SAFE_INT or t is bool or value is None:
                out[name] = value
                size += 21
            elif t is str and len(value) <= max_string and value.isascii():
                out[name] = value
                size += len(value) + 6
            else:
                out[name], n = capture(value)
                size += n + 4
        if len(args) > len(names):
            extra, n = self.capture(args[len(names):])
            out[varargs] = extra
            size += n + 10
        if kwargs:
            is_secret = self.redactor.is_secret
            for name, value in kwargs.items():
                if name in secret or is_secret(name):
                    out[name] = REDACTED
                    size += len(name) + 16
                else:
                    out[name], n = capture(value)
                    size += len(name) + 4 + n
        return out, size

    # -- the slow path -------------------------------------------------------------------------

    def _string(self, value: str, walk: _Walk) -> str:
        n = len(value)
        if n > self.max_string:
            value = f"{value[: self.max_string]}… ({n - self.max_string} more chars)"
            n = len(value)
        walk.size += (n if value.isascii() else 3 * n) + 2
        return value

    def _marker(self, text: str, walk: _Walk) -> str:
        """SDK-made text (summaries, notes): counted, never cut by max_string."""
        walk.size += len(text) + 2
        return text

    def _int(self, value: int, walk: _Walk) -> Any:
        if MIN_SAFE_INT <= value <= MAX_SAFE_INT:
            walk.size += 17
            return value
        bits = value.bit_length()
        if bits * _DIGITS_PER_BIT > self.max_string:  # str() of it would be long (and quadratic)
            return self._marker(f"<int with {bits} bits>", walk)
        return self._string(int.__repr__(value), walk)

    def _value(self, value: Any, depth: int, walk: _Walk) -> Any:
        t = type(value)
        if t is str:
            return self._string(value, walk)
        if value is None or t is bool:
            walk.size += 5
            return value
        if t is int:
            return self._int(value, walk)
        if t is float:
            walk.size += 24
            return _float(value)
        if walk.size > walk.budget:
            walk.size += 3
            return TRUNCATED
        if issubclass(t, enum.Enum):
            return self._string(f"{t.__name__}.{value._name_}", walk)
        if issubclass(t, str):
            return self._string(str.__str__(value), walk)
        if issubclass(t, int):
            return self._int(int.__int__(value), walk)
        if issubclass(t, float):
            walk.size += 24
            return _float(float.__float__(value))
        if issubclass(t, (bytes, bytearray, memoryview)):
            return self._bytes(value, walk)
        if issubclass(t, datetime.date):  # and datetime
            base = datetime.datetime if issubclass(t, datetime.datetime) else datetime.date
            return self._string(base.isoformat(value), walk)
        if issubclass(t, datetime.time):
            return self._string(datetime.time.isoformat(value), walk)
        if issubclass(t, datetime.timedelta):
            walk.size += 24
            return datetime.timedelta.total_seconds(value)
        if issubclass(t, Decimal):
            return self._string(Decimal.__str__(value), walk)
        if issubclass(t, uuid.UUID):
            return self._string(uuid.UUID.__str__(value), walk)
        if issubclass(t, PurePath):
            return self._string(PurePath.__str__(value), walk)
        if t is complex:
            return self._string(complex.__repr__(value), walk)
        if t in _FUNCTIONS or issubclass(t, type):
            kind = "class" if issubclass(t, type) else "function"
            name = getattr(value, "__qualname__", None) if t is not types.MethodType else value.__func__.__qualname__
            return self._marker(f"<{kind} {str(name)[: self.max_string]}>", walk)
        if depth >= self.max_depth:
            return self._summary(value, t, walk)
        key = id(value)
        if key in walk.path:
            walk.size += 12
            return "[Circular]"
        walk.path.add(key)
        try:
            return self._container(value, t, depth, walk)
        finally:
            walk.path.discard(key)

    def _container(self, value: Any, t: type, depth: int, walk: _Walk) -> Any:
        if issubclass(t, dict):
            items = _ITEMS.get(t, dict.items)(value)
            return self._mapping(items, dict.__len__(value), depth, walk)
        if issubclass(t, tuple) and isinstance(getattr(t, "_fields", None), tuple):  # namedtuple
            pairs = zip(t._fields, tuple.__iter__(value))  # type: ignore[attr-defined]
            return self._mapping(pairs, tuple.__len__(value), depth, walk)
        for base, iterate, length in _SEQUENCES:
            if issubclass(t, base):
                return self._sequence(iterate(value), length(value), depth, walk)
        if isinstance(getattr(t, "__dataclass_fields__", None), dict):
            names = [f.name for f in dataclasses.fields(t)]  # type: ignore[arg-type]
            return self._mapping(((n, self._field(value, n)) for n in names), len(names), depth, walk, describe(t))
        if issubclass(t, BaseException):
            return self._mapping(iter((("args", BaseException.__dict__["args"].__get__(value)),)), 1, depth, walk, describe(t))
        if t.__module__ == "numpy" and hasattr(t, "shape") and hasattr(t, "dtype"):
            return self._array(value, depth, walk)
        attrs = getattr(t, "__attrs_attrs__", None)
        if isinstance(attrs, tuple):  # attrs classes (often slotted)
            names = [str(getattr(a, "name", "?")) for a in attrs]
            return self._mapping(((n, self._field(value, n)) for n in names), len(names), depth, walk, describe(t))
        fields = self._instance_dict(value, t)
        if fields is not None:
            return self._mapping(iter(dict.items(fields)), dict.__len__(fields), depth, walk, describe(t))
        return self._marker(f"<{describe(t)} object>", walk)

    @staticmethod
    def _field(value: Any, name: str) -> Any:
        try:
            return object.__getattribute__(value, name)
        except Exception:
            return "<unset>"

    @staticmethod
    def _instance_dict(value: Any, t: type) -> Optional[Dict[str, Any]]:
        """The instance fields of a model (pydantic) or of a plain object (its class keeps object's
        own `__repr__` and is no collection), read without running any of its code; None for
        everything else."""
        model = getattr(t, "__pydantic_fields__", None) is not None or getattr(t, "__fields__", None) is not None
        if not model and (getattr(t, "__repr__", None) is not object.__repr__ or issubclass(t, Collection)):
            return None
        try:
            fields = object.__getattribute__(value, "__dict__")
        except Exception:
            return None
        return fields if type(fields) is dict else None

    def _mapping(self, items: Any, length: int, depth: int, walk: _Walk, cls: str | None = None) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        walk.size += 2
        if cls is not None:
            out["__class__"] = cls
            walk.size += len(cls) + 14
        is_secret = self.redactor.is_secret
        count = 0
        # A bounded snapshot: another thread may be mutating the mapping, and it may be huge.
        for key, item in list(islice(items, self.max_items + 1)):
            if count >= self.max_items or walk.size > walk.budget:
                out[TRUNCATED] = self._marker(f"{length - count} more keys", walk)
                break
            name = key if type(key) is str else self._key(key, walk)
            walk.size += len(name) + 4
            out[name] = REDACTED if is_secret(name) else self._value(item, depth + 1, walk)
            count += 1
        return out

    def _key(self, key: Any, walk: _Walk) -> str:
        """A non-string key as text: scalars as themselves, anything else as its JSON."""
        t = type(key)
        if t is int or t is float or t is bool or key is None:
            text = str(self._value(key, self.max_depth, walk))
        else:
            inner = _Walk(self.max_string)
            text = _dumps(self._value(key, self.max_depth - 1, inner))
        return text[: self.max_string]

    def _sequence(self, iterator: Any, length: int, depth: int, walk: _Walk) -> List[Any]:
        out: List[Any] = []
        walk.size += 2
        for index, item in enumerate(list(islice(iterator, self.max_items + 1))):
            if index >= self.max_items or walk.size > walk.budget:
                out.append(self._marker(f"… {length - index} more items", walk))
                break
            out.append(self._value(item, depth + 1, walk))
            walk.size += 1
        return out

    def _bytes(self, value: Any, walk: _Walk) -> str:
        view = memoryview(value)
        length = view.nbytes
        text = repr(view[: self.max_string].tobytes())
        if len(text) > self.max_string or length > self.max_string:
            return self._marker(f"{text[: self.max_string]}… ({length} bytes)", walk)
        return self._marker(text, walk)

    def _array(self, value: Any, depth: int, walk: _Walk) -> Any:
        """numpy arrays and scalars (their attributes are C getters: no app code runs)."""
        if getattr(value, "ndim", None) == 0:
            return self._value(value.item(), depth, walk)
        shape, size = value.shape, value.size
        summary = {
            "shape": list(shape),
            "dtype": str(value.dtype),
            "values": value.reshape(-1)[: self.max_items].tolist(),
        }
        if size > self.max_items:
            summary["values_truncated"] = True
        return self._mapping(iter(summary.items()), len(summary), depth, walk, describe(type(value)))

    def _summary(self, value: Any, t: type, walk: _Walk) -> str:
        """Past max_depth: the type, and the length of a known container."""
        length = None
        if issubclass(t, dict):
            length = dict.__len__(value)
        else:
            for base, _iterate, size in _SEQUENCES:
                if issubclass(t, base):
                    length = size(value)
                    break
        label = describe(t)
        return self._marker(f"<{label} len={length}>" if length is not None else f"<{label}>", walk)
