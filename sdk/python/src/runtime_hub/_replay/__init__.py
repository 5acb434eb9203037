"""Replay (docs/replay.md): keeping faithful results of replayable calls, and running a program
again from a recorded call. `player.PLAYER` is set only in a process started by `runtime-hub replay`."""

from .codec import ReplayedError
from .player import ReplayDivergence

__all__ = ["ReplayDivergence", "ReplayedError"]
