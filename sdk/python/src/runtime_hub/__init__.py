"""runtime-hub: watch a Python app run, live.

Three lines::

    import runtime_hub
    from runtime_hub import track

    @track
    def checkout(cart): ...

Every call of `checkout` then shows up in the runtime-hub dashboard (default
http://127.0.0.1:8765) with its arguments, result or exception, timing and nesting.
Nothing here ever raises into your code or blocks it on the network.
"""

from ._autotrack import track_package
from ._replay import ReplayDivergence, ReplayedError
from ._context import current_span, patch_thread_pool, suppress, unpatch_thread_pool, wrap
from ._instrument import track_class, track_module
from ._runtime import configure, flush, shutdown
from ._span import NoopSpan, Span
from ._track import track
from ._track_span import track_span
from ._version import __version__
from .integrations import instrument

__all__ = [
    "NoopSpan",
    "ReplayDivergence",
    "ReplayedError",
    "Span",
    "__version__",
    "configure",
    "current_span",
    "flush",
    "instrument",
    "patch_thread_pool",
    "shutdown",
    "suppress",
    "track",
    "track_class",
    "track_module",
    "track_package",
    "track_span",
    "unpatch_thread_pool",
    "wrap",
]
