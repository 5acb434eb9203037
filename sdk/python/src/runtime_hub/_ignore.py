"""Which exceptions are control flow, not failures (`ignore_errors`).

A span that ends with such an exception keeps it (type, message, traceback) but its status is
"ok", so the errors view and the trace's error flag only show real failures. The protocol
exceptions are always in the list: StopIteration and StopAsyncIteration end every iterator
(`__next__` raising them is how iteration stops), GeneratorExit closes generators. Anything else
the app uses by design (a KeyError its caller catches, a NotFound) is the app's to name:
`configure(ignore_errors=[KeyError, "shop.NotFound"])` or `@track(ignore_errors=[KeyError])`.
KeyboardInterrupt is not ignored by default: it stops the program where it happens, which is
worth seeing.
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterable, Tuple

from ._errors import type_name
from ._log import warn_user

PROTOCOL_EXCEPTIONS: Tuple[type, ...] = (StopIteration, StopAsyncIteration, GeneratorExit)


class ErrorFilter:
    """`filter(exc_type)` is True for an ignored type: a listed class or a subclass of one, or a
    type whose name (`KeyError`, `shop.errors.NotFound`) or a base class's name is listed."""

    __slots__ = ("_classes", "_names", "_cache")

    def __init__(self, entries: Iterable[Any], defaults: bool = True) -> None:
        classes = list(PROTOCOL_EXCEPTIONS) if defaults else []
        names = []
        for entry in entries:
            if isinstance(entry, type) and issubclass(entry, BaseException):
                classes.append(entry)
            elif isinstance(entry, str) and entry.strip():
                names.append(entry.strip())
            else:
                warn_user(f"ignore_errors: {entry!r} is neither an exception class nor its name; ignoring it")
        self._classes = tuple(classes)
        self._names: FrozenSet[str] = frozenset(names)
        self._cache: Dict[type, bool] = {}

    def __call__(self, exc_type: type) -> bool:
        hit = self._cache.get(exc_type)
        if hit is None:
            hit = issubclass(exc_type, self._classes) or bool(self._names) and any(
                cls.__name__ in self._names or type_name(cls) in self._names for cls in exc_type.__mro__
            )
            if len(self._cache) > 1024:
                self._cache.clear()
            self._cache[exc_type] = hit
        return hit

    def __bool__(self) -> bool:
        return bool(self._classes or self._names)
