"""Track many functions at once: every function of a module, every method of a class."""

from __future__ import annotations

import importlib
import inspect
from fnmatch import fnmatchcase
from types import ModuleType
from typing import Any, Iterable, Optional, TypeVar, Union

from ._log import warn_user

C = TypeVar("C", bound=type)
_DUNDERS_TRACKED = ("__call__",)


def _wanted(name: str, include: Optional[Iterable[str]], exclude: Optional[Iterable[str]]) -> bool:
    if include is not None:
        return any(fnmatchcase(name, pattern) for pattern in include)
    if name.startswith("__") and name.endswith("__") and name not in _DUNDERS_TRACKED:
        return False
    return not (exclude and any(fnmatchcase(name, pattern) for pattern in exclude))


def track_class(
    cls: C,
    *,
    include: Optional[Iterable[str]] = None,
    exclude: Optional[Iterable[str]] = None,
    kind: str = "function",
    capture_args: Optional[bool] = None,
    capture_result: Optional[bool] = None,
    sample_rate: Optional[float] = None,
) -> C:
    """Track every method defined in `cls` (not inherited ones): plain, static, class and async
    methods and generators. Dunder methods are skipped except `__call__`; `include` / `exclude`
    take glob patterns of method names (`include` also admits dunders, e.g. ["__init__"]).
    Properties are left alone. Returns the class, so it also works as a decorator.

    Example::

        track_class(Cart, exclude=["_cache*"])
    """
    from ._track import MARKER, track

    try:
        for name, member in list(vars(cls).items()):
            if not _wanted(name, include, exclude):
                continue
            func = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            if not inspect.isfunction(func) or getattr(func, MARKER, False):
                continue
            wrapped = track(member, kind=kind, capture_args=capture_args, capture_result=capture_result, sample_rate=sample_rate)
            setattr(cls, name, wrapped)
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
) -> Optional[ModuleType]:
    """Track every function defined in `module` (a module or its dotted name); with
    `classes=True` also every class defined there (see `track_class`).

    Only the module's attributes are replaced: code that already did `from module import fn`
    keeps the untracked function, so call this before such imports, or call through the module.

    Example::

        import shop.pricing
        runtime_hub.track_module(shop.pricing, exclude=["_*"])
    """
    from ._track import MARKER, track

    try:
        mod = importlib.import_module(module) if isinstance(module, str) else module
    except Exception as exc:
        warn_user(f"track_module could not import {module!r}: {exc!r}")
        return None
    options: Any = dict(kind=kind, capture_args=capture_args, capture_result=capture_result, sample_rate=sample_rate)
    try:
        for name, member in list(vars(mod).items()):
            if not _wanted(name, include, exclude) or getattr(member, "__module__", None) != mod.__name__:
                continue
            if inspect.isfunction(member) and not getattr(member, MARKER, False):
                setattr(mod, name, track(member, **options))
            elif classes and inspect.isclass(member):
                track_class(member, **options)
    except Exception as exc:
        warn_user(f"track_module({mod.__name__}) stopped early: {exc!r}")
    return mod
