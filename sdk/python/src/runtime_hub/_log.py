"""The SDK's own logger. Silent unless `debug=True` (or RUNTIME_HUB_DEBUG=1)."""

from __future__ import annotations

import logging
import sys
import warnings

logger = logging.getLogger("runtime_hub")
logger.addHandler(logging.NullHandler())
# Our records must never reach the host app's root handlers unless asked for: an app that logs
# every record to a remote service should not receive our transport chatter.
logger.propagate = False

_debug_handler: logging.Handler | None = None


def set_debug(enabled: bool) -> None:
    global _debug_handler
    if enabled and _debug_handler is None:
        _debug_handler = logging.StreamHandler(sys.stderr)
        _debug_handler.setFormatter(logging.Formatter("runtime-hub %(levelname)s: %(message)s"))
        logger.addHandler(_debug_handler)
        logger.setLevel(logging.DEBUG)
    elif not enabled and _debug_handler is not None:
        logger.removeHandler(_debug_handler)
        _debug_handler = None
        logger.setLevel(logging.NOTSET)


def warn_user(message: str) -> None:
    """A configuration mistake the developer should see once; never raised."""
    try:
        warnings.warn(f"runtime-hub: {message}", RuntimeWarning, stacklevel=3)
    except Exception:  # warnings configured as errors must not break the host
        pass
