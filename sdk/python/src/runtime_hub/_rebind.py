"""A function is tracked once, and every name that refers to it points at that one wrapper.

`track()` remembers the wrapper of each function it wraps. `track_module` / `track_class` also
note the places in the namespaces they instrument that hold a plain function: a module or class
attribute (`pkg.f` re-exported from `pkg.sub`), a staticmethod or classmethod, a default argument
value (`def cached(key=keys.hashkey)`). A place whose function already has a wrapper is rebound
at once; the others wait until that function is tracked, in whatever order the modules are
instrumented. So `pkg.f is pkg.sub.f` stays true, and calls through every name are tracked.

References the SDK cannot see (a closure cell, a list or dict of callbacks, a `from m import f`
in a module that is not instrumented) keep the original function.
"""

from __future__ import annotations

import types
import weakref
from typing import Any, Callable, Dict, List, Optional, Tuple

MARKER = "__runtime_hub_tracked__"
_wrappers: "weakref.WeakKeyDictionary[Any, weakref.ref[Any]]" = weakref.WeakKeyDictionary()
_pending: Dict[int, List[Tuple[str, Any, Any]]] = {}  # id(original) -> places still holding it


def wrapper_of(fn: Any) -> Optional[Callable[..., Any]]:
    if type(fn) is not types.FunctionType:
        return None
    ref = _wrappers.get(fn)
    return ref() if ref is not None else None


def remember(original: Any, wrapper: Callable[..., Any]) -> None:
    if type(original) is not types.FunctionType:
        return
    _wrappers[original] = weakref.ref(wrapper)
    for kind, owner, key in _pending.pop(id(original), ()):
        _apply(kind, owner, key, original, wrapper)


def watch(owner: Any) -> None:
    """Note every place in a module's or class's namespace (and in the default arguments of its
    functions) that holds a plain function, rebinding those already tracked."""
    try:
        namespace = list(vars(owner).items())
    except TypeError:
        return
    for name, value in namespace:
        if isinstance(value, (staticmethod, classmethod)):
            _place("wrapped", owner, name, value.__func__)
            value = value.__func__
        else:
            _place("attr", owner, name, value)
        if type(value) is types.FunctionType:
            # a tracked wrapper takes no defaults of its own: the function it runs holds them
            tracked = getattr(value, MARKER, False)
            _watch_defaults(getattr(value, "__wrapped__", value) if tracked else value)


def _watch_defaults(fn: Any) -> None:
    for index, default in enumerate(fn.__defaults__ or ()):
        _place("default", fn, index, default)
    for key, default in (fn.__kwdefaults__ or {}).items():
        _place("kwdefault", fn, key, default)


def _place(kind: str, owner: Any, key: Any, value: Any) -> None:
    if type(value) is not types.FunctionType:
        return
    wrapper = wrapper_of(value)
    if wrapper is not None:
        _apply(kind, owner, key, value, wrapper)
    elif not getattr(value, MARKER, False):
        _pending.setdefault(id(value), []).append((kind, owner, key))


def _apply(kind: str, owner: Any, key: Any, original: Any, wrapper: Any) -> None:
    """Rebind one place, if it still holds `original`."""
    try:
        if kind == "attr":
            if vars(owner).get(key) is original:
                setattr(owner, key, wrapper)
        elif kind == "wrapped":
            current = vars(owner).get(key)
            if isinstance(current, (staticmethod, classmethod)) and current.__func__ is original:
                setattr(owner, key, type(current)(wrapper))
        elif kind == "default":
            defaults = owner.__defaults__ or ()
            if key < len(defaults) and defaults[key] is original:
                owner.__defaults__ = defaults[:key] + (wrapper,) + defaults[key + 1:]
        elif kind == "kwdefault":
            kwdefaults = owner.__kwdefaults__ or {}
            if kwdefaults.get(key) is original:
                owner.__kwdefaults__ = {**kwdefaults, key: wrapper}
    except Exception:  # a read-only namespace, an odd descriptor: keep the original there
        pass
