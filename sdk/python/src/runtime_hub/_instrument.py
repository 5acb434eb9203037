"""Track many functions at once: every function of a module, every method of a class."""

from __future__ import annotations

import importlib
import inspect
from fnmatch import fnmatchcase
from types import ModuleType
from typing import Any, Iterable, Optional, Sequence, TypeVar, Union

from ._log import warn_user
from ._rebind import MARKER, watch

C = TypeVar("C", bound=type)
_DUNDERS_TRACKED = ("__call__",)


def _wanted(name: str, include: Optional[Iterable[str]], exclude: Optional[Iterable[str]]) -> bool:
    if include is not None:
        return any(fnmatchcase(name, pattern) for pattern in include)
    if name.startswith("__") and name.endswith("__") and name not in _DUNDERS_TRACKED:
        return False
    return not (exclude and any(fnmatchcase(name, pattern) for pattern in exclude))


def _belongs(member: Any, module: str) -> bool:
    """Defined in `module` or in one of its submodules (a package re-exporting its own code)."""
    owner = getattr(member, "__module__", None)
    return isinstance(owner, str) and (owner == module or owner.startswith(module + "."))


def track_class(
    cls: C,
    *,
    include: Optional[Iterable[str]] = None,
    exclude: Optional[Iterable[str]] = None,
    kind: str = "function",
    capture_args: Optional[bool] = None,
    capture_result: Optional[bool] = None,
    sample_rate: Optional[float] = None,
    ignore_errors: Optional[Sequence[Any]] = None,
    max_per_second: Optional[float] = None,
    replay: Optional[bool] = None,
    invocable: bool = False,
) -> C:
    """Track every method defined in `cls` (not inherited ones): plain, static, class and async
    methods and generators. Dunder methods are skipped except `__call__`; `include` / `exclude`
    take glob patterns of method names (`include` also admits dunders, e.g. ["__init__"]).
    Properties are left alone. Returns the class, so it also works as a decorator.

    Example::

        track_class(Cart, exclude=["_cache*"])
    """
    from ._track import track

    try:
        for name, member in list(vars(cls).items()):
            if not _wanted(name, include, exclude):
                continue
            func = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            if not inspect.isfunction(func) or getattr(func, MARKER, False):
                continue
            wrapped = track(member, kind=kind, capture_args=capture_args, capture_result=capture_result,
                            sample_rate=sample_rate, ignore_errors=ignore_errors, max_per_second=max_per_second,
                            replay=replay, invocable=invocable)
            setattr(cls, name, wrapped)
        watch(cls)
    except Exception as exc:
        warn_user(f"track_class({cls!r}) stopped early: {exc!r}")
    return cls


def track_module(
    module: Union[ModuleType, str],
    *,
    include: Optional[Iterable[str]] = None,
    exclude: Optional[Iterable[str]] = None,
    classes: bool = False,
    kind: str = "function",
    capture_args: Optional[bool] = None,
    capture_result: Optional[bool] = None,
    sample_rate: Optional[float] = None,
    ignore_errors: Optional[Sequence[Any]] = None,
    max_per_second: Optional[float] = None,
    replay: Optional[bool] = None,
) -> Optional[ModuleType]:
    """Track every function defined in `module` (a module or its dotted name) or in its
    submodules and re-exported by it; with `classes=True` also every such class (see
    `track_class`).

    A function is tracked once: every name for it in the modules and classes instrumented so far
    (and their functions' default arguments) is pointed at the same wrapper, whatever the order
    of the calls, so `pkg.f is pkg.sub.f` still holds. Code that keeps a function elsewhere (a
    `from module import fn` in a module that is not instrumented, a list of callbacks) keeps the
    untracked function: call this early, or instrument that module too.

    Example::

        import shop.pricing
        runtime_hub.track_module(shop.pricing, exclude=["_*"])
    """
    from ._track import track

    try:
        mod = importlib.import_module(module) if isinstance(module, str) else module
    except Exception as exc:
        warn_user(f"track_module could not import {module!r}: {exc!r}")
        return None
    options: Any = dict(kind=kind, capture_args=capture_args, capture_result=capture_result, sample_rate=sample_rate,
                        ignore_errors=ignore_errors, max_per_second=max_per_second, replay=replay)
    try:
        for name, member in list(vars(mod).items()):
            if not _wanted(name, include, exclude) or not _belongs(member, mod.__name__):
                continue
            if inspect.isfunction(member) and not getattr(member, MARKER, False):
                setattr(mod, name, track(member, **options))
            elif classes and inspect.isclass(member):
                track_class(member, **options)
        watch(mod)
    except Exception as exc:
        warn_user(f"track_module({mod.__name__}) stopped early: {exc!r}")
    return mod
