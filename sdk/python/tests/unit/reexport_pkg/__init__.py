"""A package that re-exports a function of its submodule, as most libraries do (test fixture)."""

from .sub import helper, uses_default

__all__ = ["helper", "uses_default"]
