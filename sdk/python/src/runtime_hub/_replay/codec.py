"""A faithful, size-bounded encoding of return values and exceptions for replay (docs/replay.md).

Tagged JSON: null, booleans, strings and finite floats/ints within 2**53 are themselves; every
other value is an object with a "$" key naming its type. Decoding never unpickles and runs no
code other than the constructors of classes named in the recording (the replaying program's own
classes, or the LLM clients' response models), which must be importable.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import decimal
import importlib
import json
import math
import pathlib
import uuid
from typing import Any, Dict, List, Optional, Tuple

MAX_SAFE_INT = 2**53


class Unsupported(Exception):
    """A value the codec cannot encode faithfully; the message names its type."""


def class_path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def import_class(path: str) -> Any:
    module_name, _, qualname = path.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


class Encoder:
    """Encodes one value, failing once its JSON would pass `budget` bytes (an estimate)."""

    def __init__(self, budget: int, redactor: Any = None) -> None:
        self.budget = budget
        self.seen: Dict[int, bool] = {}
        self.redactor = redactor if redactor is not None and getattr(redactor, "enabled", False) else None

    def secret_free(self, names: Any) -> None:
        """A value under a secret name is never kept: a replay then runs the call for real
        rather than the hub holding the secret (redaction cannot apply: it would not be faithful)."""
        if self.redactor is not None:
            for name in names:
                if isinstance(name, str) and self.redactor.is_secret(name):
                    raise Unsupported(f"holds a value under a secret name ({name!r})")

    def spend(self, n: int) -> None:
        self.budget -= n
        if self.budget < 0:
            raise Unsupported("too large")

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > 64:
            raise Unsupported("nested deeper than 64 levels")
        t = type(value)
        if value is None or t is bool:
            self.spend(5)
            return value
        if t is str:
            self.spend(len(value) + 2)
            return value
        if t is int:
            self.spend(20)
            return value if -MAX_SAFE_INT <= value <= MAX_SAFE_INT else {"$": "int", "v": str(value)}
        if t is float:
            self.spend(24)
            return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
        if id(value) in self.seen:
            raise Unsupported("a cycle")
        self.seen[id(value)] = True
        try:
            return self._container(value, t, depth + 1)
        finally:
            del self.seen[id(value)]

    def _container(self, value: Any, t: type, depth: int) -> Any:
        enc = self.encode
        if t is list:
            return {"$": "list", "v": [enc(v, depth) for v in value]}
        if t is tuple:
            return {"$": "tuple", "v": [enc(v, depth) for v in value]}
        if t is dict:
            self.secret_free(value)
            return {"$": "dict", "v": [[enc(k, depth), enc(v, depth)] for k, v in value.items()]}
        if t in (set, frozenset):
            return {"$": t.__name__, "v": [enc(v, depth) for v in value]}
        if t in (bytes, bytearray):
            self.spend(len(value) * 4 // 3 + 4)
            return {"$": t.__name__, "v": base64.b64encode(bytes(value)).decode("ascii")}
        for simple, name in _TEXT_TYPES:
            if t is simple:
                text = value.isoformat() if hasattr(value, "isoformat") else str(value)
                self.spend(len(text) + 16)
                return {"$": name, "v": text}
        if isinstance(value, BaseException):
            return {"$": "exc", "cls": class_path(t), "args": [self._safe(a, depth) for a in value.args], "message": str(value)[:4096]}
        if hasattr(t, "model_validate") and hasattr(value, "model_dump"):  # pydantic v2 (the LLM clients' models)
            data = value.model_dump(mode="json", exclude_unset=True)  # rebuilt with the same fields set
            self.spend(len(json.dumps(data, default=str)))
            return {"$": "pydantic", "cls": class_path(t), "v": data}
        if dataclasses.is_dataclass(value):
            names = [f.name for f in dataclasses.fields(value) if f.init]
            self.secret_free(names)
            fields = {name: enc(getattr(value, name), depth) for name in names}
            return {"$": "obj", "cls": class_path(t), "v": fields}
        if isinstance(value, tuple) and hasattr(t, "_fields"):  # namedtuple
            self.secret_free(t._fields)
            return {"$": "obj", "cls": class_path(t), "v": {f: enc(getattr(value, f), depth) for f in t._fields}}
        if isinstance(value, (list, tuple, dict, set, frozenset)):
            raise Unsupported(f"unsupported type {class_path(t)} (a subclass of a container)")
        import enum

        if isinstance(value, enum.Enum):
            return {"$": "enum", "cls": class_path(t), "v": value.name}
        raise Unsupported(f"unsupported type {class_path(t)}")

    def _safe(self, value: Any, depth: int) -> Any:
        """Exception args: an arg that cannot be encoded becomes its text, the exception still can."""
        try:
            return self.encode(value, depth)
        except Unsupported as exc:
            if str(exc) == "too large":
                raise
            return str(value)[:4096]


_TEXT_TYPES: Tuple[Tuple[type, str], ...] = (
    (datetime.datetime, "datetime"),
    (datetime.date, "date"),
    (datetime.time, "time"),
    (decimal.Decimal, "decimal"),
    (uuid.UUID, "uuid"),
    (pathlib.PosixPath, "path"),
    (pathlib.WindowsPath, "path"),
)

_FROM_TEXT: Dict[str, Any] = {
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
    "decimal": decimal.Decimal,
    "uuid": uuid.UUID,
    "path": pathlib.Path,
    "int": int,
    "float": float,
}


def encode(value: Any, max_bytes: int, redactor: Any = None) -> Tuple[Optional[str], Optional[str]]:
    """(JSON text, None), or (None, why not)."""
    try:
        text = json.dumps(Encoder(max_bytes, redactor).encode(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except Unsupported as exc:
        reason = str(exc)
        return None, f"too large (over {max_bytes} bytes)" if reason == "too large" else reason
    except Exception as exc:  # a model_dump that failed, a recursion error: never the caller's problem
        return None, f"could not encode ({type(exc).__name__})"
    if len(text.encode("utf-8")) > max_bytes:
        return None, f"too large ({len(text.encode('utf-8'))} bytes)"
    return text, None


class ReplayedError(Exception):
    """Raised in a replay for a recorded exception whose class could not be rebuilt."""

    def __init__(self, message: str, type_name: str = "") -> None:
        super().__init__(message)
        self.recorded_type = type_name


def decode(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    tag = data.get("$")
    v: Any = data.get("v")
    if tag == "list":
        return [decode(x) for x in v]
    if tag == "tuple":
        return tuple(decode(x) for x in v)
    if tag == "dict":
        return {_hashable(decode(k)): decode(x) for k, x in v}
    if tag == "set":
        return {_hashable(decode(x)) for x in v}
    if tag == "frozenset":
        return frozenset(_hashable(decode(x)) for x in v)
    if tag in ("bytes", "bytearray"):
        raw = base64.b64decode(v)
        return raw if tag == "bytes" else bytearray(raw)
    if tag in _FROM_TEXT:
        return _FROM_TEXT[tag](v)
    if tag == "obj":
        return import_class(data["cls"])(**{k: decode(x) for k, x in v.items()})
    if tag == "enum":
        return import_class(data["cls"])[v]
    if tag == "pydantic":
        cls = import_class(data["cls"])
        try:
            return cls.model_validate(v)
        except Exception:
            return cls.construct(**v)  # the LLM clients build responses leniently too
    if tag == "exc":
        return decode_error(data)
    raise ValueError(f"unknown replay encoding {tag!r}")


def decode_error(data: Dict[str, Any]) -> BaseException:
    args: List[Any] = [decode(a) for a in data.get("args", [])]
    try:
        cls = import_class(data["cls"])
        if isinstance(cls, type) and issubclass(cls, BaseException):
            return cls(*args)
    except Exception:
        pass
    return ReplayedError(str(data.get("message", "")), str(data.get("cls", "")))


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
