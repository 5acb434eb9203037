"""A configured SDK instance: the resolved options, the serializer and the transport."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._config import Config
from ._ignore import ErrorFilter
from ._redact import Redactor
from ._serialize import Serializer

if TYPE_CHECKING:
    from .transport.base import Transport


class Client:
    __slots__ = (
        "config", "redactor", "serializer", "transport", "sample_rate", "capture_args",
        "capture_result", "span_started", "span_ended", "refuse", "drops", "ignored", "max_per_second",
        "replay_all", "replay_llm",
    )

    def __init__(self, config: Config) -> None:
        from .transport.http import HttpTransport

        self.config = config
        self.redactor = Redactor(config.redact, config.redact_defaults)
        self.serializer = Serializer(
            config.max_string, config.max_depth, config.max_items, config.max_span_bytes, self.redactor
        )
        transport: Transport = config.transport if config.transport is not None else HttpTransport()
        transport.open(config, self.redactor)
        self.transport = transport
        self.sample_rate = config.sample_rate
        self.capture_args = config.capture_args
        self.capture_result = config.capture_result
        # Bound once: the hot path calls these on every tracked call.
        self.span_started = transport.span_started
        self.span_ended = transport.span_ended
        self.refuse = transport.refuse
        self.drops = transport.drops
        self.ignored = ErrorFilter(config.ignore_errors)
        self.max_per_second = config.max_per_second
        self.replay_all = config.replay == "all"  # every tracked call keeps a faithful result
        self.replay_llm = config.replay != "off"  # LLM calls keep the provider's response

    def __repr__(self) -> str:
        return f"<runtime_hub.Client service={self.config.service!r} url={self.config.url!r}>"
