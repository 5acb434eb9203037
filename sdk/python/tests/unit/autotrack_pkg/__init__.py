"""A package that builds objects from its submodule's functions while importing (test fixture):
the way toolz builds `curry(f)` objects in toolz.curried."""

from . import ops
from .ops import double

HANDLERS = {"double": ops.double}

__all__ = ["HANDLERS", "double", "ops"]
