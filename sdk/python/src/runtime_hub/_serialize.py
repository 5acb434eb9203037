"""Turn any Python value into bounded, JSON-safe data. Never raises.

Runs on the caller's thread, so that what is recorded is the value at call time (a list mutated
after the call must not change the recorded input); JSON encoding happens later on the transport
thread. Scalars take a fast path; everything else is walked once with a size budget, so the cost
is bounded by the limits, not by the size of the value.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import math
import uuid
from collections.abc import Mapping
from itertools import islice
from decimal import Decimal
from pathlib import PurePath
from typing import Any, Dict, FrozenSet, List, Mapping as MappingType, Set, Tuple

from ._redact import REDACTED, Redactor

MAX_SAFE_INT = 2**53 - 1  # larger ints lose precision in the browser; sent as strings
_MAX_INT_BITS = 4000 * 3  # str() of larger ints is slow (and limited since 3.11)
TRUNCATED = "…"
_ISO_TYPES = (datetime.datetime, datetime.date, datetime.time)
_STR_TYPES = (Decimal, uuid.UUID, PurePath, complex)
_SEQUENCES = (list, tuple, set, frozenset)


def _describe(value: Any) -> str:
    cls = type(value)
    module = getattr(cls, "__module__", None) or ""
    name = str(getattr(cls, "__qualname__", None) or getattr(cls, "__name__", "object"))
    return name if module in ("builtins", "") else f"{module}.{name}"


def _length(value: Any, fallback: int) -> int:
    try:
        return len(value)
    except Exception:
        return fallback


def _float(value: float) -> Any:
    if math.isfinite(value):
        return value
    return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")


def _int(value: int) -> Any:
    if -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
        return value
    if value.bit_length() > _MAX_INT_BITS:
        return f"<int with {value.bit_length()} bits>"
    return str(value)


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
            if -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
                return value, 8
        elif t is bool or value is None:
            return value, 5
        elif t is float:
            return _float(value), 12
        walk = _Walk(self.max_bytes)
        try:
            out = self._value(value, 0, walk)
        except Exception:  # a bug here must cost one value, not the host's call
            out = f"<unserializable {_describe(value)}>"
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
            if t is int and -MAX_SAFE_INT <= value <= MAX_SAFE_INT or t is bool or value is None:
                out[name] = value
                size += 12
            elif t is str and len(value) <= max_string and value.isascii():
                out[name] = value
                size += len(value) + 6
            else:
                out[name], n = capture(value)
                size += n + 4
        if len(args) > len(names):
            extra, n = self.capture(list(args[len(names):]))
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

    def _repr(self, value: Any, walk: _Walk) -> str:
        try:
            text = repr(value)
            if not isinstance(text, str):
                raise TypeError("__repr__ returned a non-string")
        except Exception:  # includes RecursionError from self-referencing reprs
            text = f"<{_describe(value)} object (repr failed)>"
        return self._string(text, walk)

    def _value(self, value: Any, depth: int, walk: _Walk) -> Any:
        t = type(value)
        if t is str:
            return self._string(value, walk)
        if value is None or t is bool:
            walk.size += 5
            return value
        if t is int:
            walk.size += 8
            return _int(value)
        if t is float:
            walk.size += 12
            return _float(value)
        if walk.size > walk.budget:
            return TRUNCATED
        if isinstance(value, str):  # str subclasses
            return self._string(str.__str__(value), walk)
        if isinstance(value, bool):
            walk.size += 5
            return bool(value)
        if isinstance(value, int) and not isinstance(value, enum.Enum):
            walk.size += 8
            return _int(int(value))
        if isinstance(value, float):
            walk.size += 12
            return _float(float(value))
        if isinstance(value, (bytes, bytearray, memoryview)):
            return self._bytes(value, walk)
        if isinstance(value, enum.Enum):
            return self._string(f"{type(value).__name__}.{value.name}", walk)
        if isinstance(value, _ISO_TYPES):
            return self._string(value.isoformat(), walk)
        if isinstance(value, datetime.timedelta):
            walk.size += 12
            return value.total_seconds()
        if isinstance(value, _STR_TYPES):
            return self._string(str(value), walk)
        if isinstance(value, type) or callable(value) and hasattr(value, "__qualname__"):
            kind = "class" if isinstance(value, type) else "function"
            return self._marker(f"<{kind} {getattr(value, '__qualname__', '?')}>"[: self.max_string + 20], walk)
        if depth >= self.max_depth:
            return self._summary(value, walk)
        key = id(value)
        if key in walk.path:
            walk.size += 12
            return "[Circular]"
        walk.path.add(key)
        try:
            return self._container(value, depth, walk)
        finally:
            walk.path.discard(key)

    def _container(self, value: Any, depth: int, walk: _Walk) -> Any:
        if isinstance(value, dict):
            return self._mapping(value, depth, walk)
        if isinstance(value, tuple) and hasattr(type(value), "_fields"):  # namedtuple
            return self._mapping(dict(zip(getattr(value, "_fields"), value)), depth, walk)
        if isinstance(value, _SEQUENCES):
            return self._sequence(value, len(value), depth, walk)
        cls = type(value)
        if dataclasses.is_dataclass(cls):
            fields = {f.name: getattr(value, f.name, None) for f in dataclasses.fields(value)}
            return self._mapping(fields, depth, walk, _describe(value))
        dump = getattr(cls, "model_dump", None) or (getattr(cls, "dict", None) if hasattr(cls, "__fields__") else None)
        if callable(dump):  # pydantic v2 / v1
            dumped = dump(value)
            if isinstance(dumped, dict):
                return self._mapping(dumped, depth, walk, _describe(value))
        attrs = getattr(cls, "__attrs_attrs__", None)
        if attrs is not None:
            fields = {a.name: getattr(value, a.name, None) for a in attrs}
            return self._mapping(fields, depth, walk, _describe(value))
        if hasattr(cls, "shape") and hasattr(cls, "dtype") and hasattr(cls, "tolist"):
            return self._array(value, depth, walk)
        if isinstance(value, Mapping):
            return self._mapping(value, depth, walk)
        if getattr(cls, "__repr__", None) is object.__repr__ and isinstance(getattr(value, "__dict__", None), dict):
            return self._mapping(dict(vars(value)), depth, walk, _describe(value))
        return self._repr(value, walk)

    def _mapping(self, value: MappingType[Any, Any], depth: int, walk: _Walk, cls: str | None = None) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        walk.size += 2
        if cls is not None:
            out["__class__"] = cls
            walk.size += len(cls) + 14
        is_secret = self.redactor.is_secret
        count = 0
        # A bounded snapshot: another thread may be mutating the mapping, and it may be huge.
        items = list(islice(value.items(), self.max_items + 1))
        for key, item in items:
            if count >= self.max_items or walk.size > walk.budget:
                out[TRUNCATED] = f"{_length(value, len(items)) - count} more keys"
                walk.size += 20
                break
            name = key if type(key) is str else self._key(key)
            walk.size += len(name) + 4
            out[name] = REDACTED if is_secret(name) else self._value(item, depth + 1, walk)
            count += 1
        return out

    def _key(self, key: Any) -> str:
        if isinstance(key, (str, int, float, bool)) or key is None:
            return str(key)[: self.max_string]
        try:
            return repr(key)[: self.max_string]
        except Exception:
            return f"<{_describe(key)}>"

    def _sequence(self, value: Any, length: int, depth: int, walk: _Walk) -> List[Any]:
        out: List[Any] = []
        walk.size += 2
        for index, item in enumerate(list(islice(value, self.max_items + 1))):
            if index >= self.max_items or walk.size > walk.budget:
                out.append(f"… {length - index} more items")
                walk.size += 20
                break
            out.append(self._value(item, depth + 1, walk))
            walk.size += 1
        return out

    def _bytes(self, value: Any, walk: _Walk) -> str:
        text = repr(bytes(value[: self.max_string]))
        if len(text) > self.max_string or len(value) > self.max_string:
            return self._marker(f"{text[: self.max_string]}… ({len(value)} bytes)", walk)
        return self._marker(text, walk)

    def _array(self, value: Any, depth: int, walk: _Walk) -> Any:
        shape = getattr(value, "shape", ())
        size = getattr(value, "size", None)
        if getattr(value, "ndim", None) == 0 and callable(getattr(value, "item", None)):
            return self._value(value.item(), depth, walk)  # numpy scalars
        try:
            flat = value.reshape(-1)[: self.max_items].tolist()
        except Exception:
            flat = TRUNCATED
        summary = {
            "__class__": _describe(value),
            "shape": list(shape) if isinstance(shape, tuple) else str(shape),
            "dtype": str(getattr(value, "dtype", "?")),
            "values": flat,
        }
        if isinstance(size, int) and size > self.max_items:
            summary["values_truncated"] = True
        return self._mapping(summary, depth, walk)

    def _summary(self, value: Any, walk: _Walk) -> str:
        try:
            length = len(value)
        except Exception:
            length = None
        label = _describe(value)
        return self._marker(f"<{label} len={length}>" if length is not None else f"<{label}>", walk)
