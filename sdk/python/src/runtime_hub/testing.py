"""Helpers for testing code that uses runtime_hub: record spans in memory instead of sending them.

Example (pytest)::

    from runtime_hub.testing import capture_spans

    def test_checkout_is_tracked():
        with capture_spans() as spans:
            checkout(cart)
        record = spans.by_name("checkout")
        assert record["status"] == "ok"
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from . import _runtime
from .transport.memory import InMemoryTransport

__all__ = ["InMemoryTransport", "capture_spans"]


@contextmanager
def capture_spans(**options: Any) -> Iterator[InMemoryTransport]:
    """Configure the SDK with an in-memory transport for the block (plus any `configure`
    options), then restore the previous configuration."""
    previous = _runtime.STATE.client, _runtime.STATE.enabled
    transport = InMemoryTransport()
    options.setdefault("service", "test")
    _runtime.configure(transport=transport, **options)
    try:
        yield transport
    finally:
        with _runtime._lock:
            _runtime.STATE.client, _runtime.STATE.enabled = previous
