"""The functions marked `@track(invocable=True)` in this process, by their span name."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple

if TYPE_CHECKING:
    from .._track import Meta

_lock = threading.Lock()
_functions: Dict[str, Tuple[Any, Callable[..., Any]]] = {}


def register_invocable(meta: Meta, wrapper: Callable[..., Any]) -> None:
    """Remember the tracked wrapper: an invocation calls it, so the call is recorded like any other."""
    with _lock:
        _functions[meta.name] = (meta, wrapper)


def lookup(name: str) -> Optional[Tuple[Any, Callable[..., Any]]]:
    with _lock:
        return _functions.get(name)


def names() -> List[str]:
    with _lock:
        return sorted(_functions)
