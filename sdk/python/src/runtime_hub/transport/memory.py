"""A synchronous transport that keeps records in memory: for tests, yours and ours.

Example::

    from runtime_hub.testing import capture_spans

    with capture_spans() as spans:
        checkout(cart)
    assert spans.finished()[0]["name"] == "checkout"
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from .base import Transport

if TYPE_CHECKING:
    from .._span import Span


class InMemoryTransport(Transport):
    """Builds each record on the calling thread and appends it to `records` (start and end records,
    in order). `finished()` returns the end records only; `by_name(...)` finds one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.records: List[Dict[str, Any]] = []
        self.closed = False

    def span_started(self, span: Span) -> None:
        record = self.builder.build(span, final=False)
        if record is not None:
            span.start_sent = True
            with self._lock:
                self.records.append(record)

    def span_ended(self, span: Span) -> None:
        record = self.builder.build(span, final=True)
        if record is not None:
            with self._lock:
                self.records.append(record)

    def shutdown(self, timeout: float) -> None:
        self.closed = True

    # -- helpers for assertions ------------------------------------------------------------------

    def finished(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [r for r in self.records if "endTime" in r]

    def started(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [r for r in self.records if "endTime" not in r]

    def by_name(self, name: str) -> Optional[Dict[str, Any]]:
        """The last finished record with this name, or None."""
        for record in reversed(self.finished()):
            if record["name"] == name:
                return dict(record)
        return None

    def clear(self) -> None:
        with self._lock:
            self.records.clear()
