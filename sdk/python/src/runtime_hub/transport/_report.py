"""What the transport tells the hub and the user about itself: the presence heartbeat, and the
one line printed at exit when records were not delivered."""

from __future__ import annotations

import os
import socket
import sys
from typing import Any, Dict, Optional

from .._errors import python_version
from .._version import SDK_NAME, __version__

# Records the user chose not to send are not worth a warning.
_INTENDED = frozenset(("before_send",))


def hostname() -> str:
    try:
        return socket.gethostname()
    except Exception:
        return "unknown"


def heartbeat(service: str, instance_id: str, host: str, dropped: Dict[str, int]) -> Dict[str, Any]:
    """The heartbeat body; `dropped` is the running total by reason (the hub keeps the latest)."""
    payload: Dict[str, Any] = {
        "service": service,
        "instanceId": instance_id,
        "pid": os.getpid(),
        "host": host,
        "language": "python",
        "runtimeVersion": python_version(),
        "sdk": {"name": SDK_NAME, "version": __version__},
    }
    if dropped:
        payload["dropped"] = dropped
    return payload


def describe_drops(dropped: Dict[str, int], url: str) -> Optional[str]:
    dropped = {reason: count for reason, count in dropped.items() if reason not in _INTENDED}
    total = sum(dropped.values())
    if not total:
        return None
    reasons = ", ".join(f"{reason}: {count}" for reason, count in sorted(dropped.items()))
    return f"runtime-hub: {total} span records were not delivered to {url} ({reasons})"


def print_drops(dropped: Dict[str, int], url: str) -> None:
    line = describe_drops(dropped, url)
    if line:
        try:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
        except Exception:
            pass
