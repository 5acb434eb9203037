"""One clock for every span time in this process.

Wall time is read once, at import, and every later time is that anchor plus a monotonic
interval: two spans' times are then always comparable (a child never starts before its parent
or ends after it), and a wall-clock step (NTP, a suspended VM) never reorders them. After a
long run the anchor may drift from the wall clock by the clocks' relative drift (ppm), which
the hub tolerates.
"""

from __future__ import annotations

import time

_perf = time.perf_counter
_PERF0 = _perf()
_WALL0_MS = time.time() * 1000.0


def now_ms() -> float:
    """Milliseconds since the epoch, on the process's single monotonic timeline."""
    return _WALL0_MS + (_perf() - _PERF0) * 1000.0
