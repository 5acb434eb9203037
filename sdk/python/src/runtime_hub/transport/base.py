"""The transport interface the SDK core talks to, and what every transport shares.

A transport receives spans when they start and when they end. It must never raise into the
caller and never block it; it counts what it could not deliver (`dropped()`), by reason.
Implementations: `HttpTransport` (the default, batches to the hub on a background thread) and
`InMemoryTransport` (synchronous, for tests).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Dict, Optional

from .. import _record
from .._log import logger

if TYPE_CHECKING:
    from .._config import Config
    from .._redact import Redactor
    from .._span import Span


class DropCounter:
    """Thread-safe counts of undelivered records by reason (e.g. "queue_full", "hub_unreachable")."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Dict[str, int] = {}

    def add(self, reason: str, count: int = 1) -> None:
        if count <= 0:
            return
        with self._lock:
            self._counts[reason] = self._counts.get(reason, 0) + count

    def snapshot(self) -> Dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def reset(self) -> None:
        self._lock = threading.Lock()  # a fresh lock: after fork the old one may be held forever
        self._counts = {}


class RecordBuilder:
    """Span -> record, then the user's `before_send` hook. Returns None for a record to skip."""

    def __init__(self, config: Config, redactor: Optional[Redactor], drops: DropCounter) -> None:
        self.service = config.service
        self.max_span_bytes = config.max_span_bytes
        self.before_send = config.before_send
        self.redactor = redactor
        self.drops = drops

    def build(self, span: Span, final: bool) -> Optional[Dict[str, Any]]:
        try:
            record = _record.build(span, self.service, final, self.max_span_bytes, self.redactor)
        except Exception:
            logger.debug("could not build a record for %r", span, exc_info=True)
            self.drops.add("encode_error")
            return None
        hook = self.before_send
        if hook is None:
            return record
        try:
            result = hook(record)
        except Exception:
            # Dropping is the private choice: a failing scrubber must not leak what it should hide.
            logger.warning("before_send raised; the record was dropped", exc_info=True)
            self.drops.add("before_send_error")
            return None
        if result is None:
            self.drops.add("before_send")
            return None
        if not isinstance(result, dict):
            self.drops.add("before_send_error")
            return None
        return result


class Transport(ABC):
    """Where spans go. `open` is called once by the client before any span arrives."""

    config: Config
    builder: RecordBuilder
    drops: DropCounter

    def open(self, config: Config, redactor: Optional[Redactor]) -> None:
        self.config = config
        self.drops = DropCounter()
        self.builder = RecordBuilder(config, redactor, self.drops)

    def start(self) -> None:
        """Begin background work now rather than at the first span (called by `configure`)."""

    def refuse(self) -> Optional[str]:
        """Asked on the app's thread before a span is created: None to take it, else the reason
        it is dropped (with everything it calls). Must be cheap."""
        return None

    @abstractmethod
    def span_started(self, span: Span) -> None:
        """A call began. Called on the app's thread: must be cheap and must not block."""

    @abstractmethod
    def span_ended(self, span: Span) -> None:
        """A call finished (span.end_time is set). Same rules as span_started."""

    def flush(self, timeout: float) -> bool:
        """Deliver everything so far; True if done within `timeout` seconds."""
        return True

    def shutdown(self, timeout: float) -> None:
        """Flush, then stop; spans arriving later are not delivered."""

    def dropped(self) -> Dict[str, int]:
        return self.drops.snapshot()

    def after_fork(self) -> None:
        """Called in a forked child: forget the parent's buffer, threads, locks and sockets."""
        self.drops.reset()
