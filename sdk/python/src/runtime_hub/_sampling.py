"""Per-function rate limits (`max_per_second`): a token bucket per tracked function.

A call over the limit is not recorded, and neither is anything it calls, so every trace that is
kept is whole. The bucket holds one second's worth of calls, so a burst after a quiet spell is
kept up to that many.
"""

from __future__ import annotations

from time import perf_counter


class RateLimiter:
    __slots__ = ("rate", "tokens", "last")

    def __init__(self, per_second: float) -> None:
        self.rate = float(per_second)
        self.tokens = max(1.0, self.rate)
        self.last = perf_counter()

    def allow(self) -> bool:
        # Races between threads can let a call or two more through; that is all they cost.
        now = perf_counter()
        tokens = self.tokens + (now - self.last) * self.rate
        self.last = now
        burst = max(1.0, self.rate)
        if tokens > burst:
            tokens = burst
        if tokens >= 1.0:
            self.tokens = tokens - 1.0
            return True
        self.tokens = tokens
        return False
