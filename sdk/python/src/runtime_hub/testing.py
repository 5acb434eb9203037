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
from ._client import Client
from ._config import resolve
from .transport.memory import InMemoryTransport

__all__ = ["InMemoryTransport", "capture_spans"]


@contextmanager
def capture_spans(**options: Any) -> Iterator[InMemoryTransport]:
    """Configure the SDK with an in-memory transport for the block (plus any `configure`
    options), then restore the previous configuration."""
    transport = InMemoryTransport()
    options.setdefault("service", "test")
    client = Client(resolve({**options, "transport": transport}))
    with _runtime._lock:
        previous = _runtime.STATE.client, _runtime.STATE.enabled
        _runtime.STATE.client, _runtime.STATE.enabled = client, True
    try:
        yield transport
    finally:
        with _runtime._lock:
            _runtime.STATE.client, _runtime.STATE.enabled = previous
