"""`track_package`: track every module of a package as it is imported.

A module is tracked right after its code ran and before its importer continues, so what the
rest of the package builds from it at import time (re-exports, `curry(f)` objects, dispatch
tables, default arguments) already holds the tracked functions: the same order of events as if
the library had been written with `@track` on every function.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from fnmatch import fnmatchcase
from typing import Any, Iterable, List, Optional, Sequence

from ._log import warn_user


class _TrackingLoader(importlib.abc.Loader):
    """Delegates everything to the real loader; tracks the module once its code has run."""

    def __init__(self, loader: Any, finder: "_PackageFinder") -> None:
        self._loader = loader
        self._finder = finder

    def create_module(self, spec: Any) -> Optional[types.ModuleType]:
        return self._loader.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: types.ModuleType) -> None:
        self._loader.exec_module(module)
        self._finder.instrument(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_resource_reader, is_package, ...
        return getattr(self._loader, name)


class _PackageFinder(importlib.abc.MetaPathFinder):
    def __init__(self, package: str, skip: Sequence[str], options: Any) -> None:
        self.package = package
        self.skip = tuple(skip)
        self.options = options

    def wanted(self, name: str) -> bool:
        if name != self.package and not name.startswith(self.package + "."):
            return False
        return not any(fnmatchcase(name, pattern) for pattern in self.skip)

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if not self.wanted(fullname):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _TrackingLoader(spec.loader, self)
        return spec

    def instrument(self, module: types.ModuleType) -> None:
        from ._instrument import track_module

        try:
            track_module(module, **self.options)
        except Exception as exc:  # never let instrumentation break an import
            warn_user(f"track_package could not track {module.__name__}: {exc!r}")


_finders: List[_PackageFinder] = []


def track_package(
    package: str,
    *,
    skip_modules: Iterable[str] = ("*.tests", "*.tests.*", "*.test_*"),
    **options: Any,
) -> None:
    """Track every module of `package` (a dotted name): those already imported now, the others
    as they are imported. `skip_modules` takes glob patterns of module names to leave alone (the
    package's own tests by default); other options are `track_module`'s (`classes=True`,
    `include`, `exclude`, `ignore_errors`, …).

    Call it before the package is imported to get the most faithful result: then every object the
    package builds from its functions while importing holds the tracked ones.

    Example::

        runtime_hub.track_package("toolz", classes=True)
        import toolz
    """
    from ._instrument import track_module

    finder = _PackageFinder(package, list(skip_modules), options)
    for name in sorted(n for n in list(sys.modules) if finder.wanted(n)):
        module = sys.modules.get(name)
        if isinstance(module, types.ModuleType):
            track_module(module, **options)
    _finders.append(finder)
    sys.meta_path.insert(0, finder)
