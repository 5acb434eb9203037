"""Type-checked (not run) by tests/unit/test_typing.py: the public API as users write it."""

import asyncio
from typing import AsyncIterator, Iterator, List

import runtime_hub
from runtime_hub import Span, current_span, track, track_span
from runtime_hub.testing import InMemoryTransport, capture_spans

runtime_hub.configure(service="typed", sample_rate=0.5, redact=["iban"], before_send=lambda r: r)


@track
def add(a: int, b: int) -> int:
    return a + b


@track(name="greet", kind="tool", capture_result=False)
def greet(name: str) -> str:
    return "hi " + name


@track("named")
async def fetch(url: str) -> bytes:
    await asyncio.sleep(0)
    return b""


@track
def numbers(n: int) -> Iterator[int]:
    yield from range(n)


@track
async def ticks(n: int) -> AsyncIterator[int]:
    for i in range(n):
        yield i


class Cart:
    @track
    def total(self, tax: float) -> float:
        return 1.0 + tax

    @track
    @classmethod
    def empty(cls) -> "Cart":
        return cls()


total: int = add(1, 2)
text: str = greet("x")
data: "asyncio.Future[bytes]" = asyncio.ensure_future(fetch("u"))
items: List[int] = list(numbers(3))
price: float = Cart().total(0.2)

with track_span("block", kind="tool", attributes={"k": 1}) as span:
    span.set_attribute("rows", 3)
    span.set_output({"ok": True})
    span.add_event("e", {"a": 1})

recording: bool = current_span().is_recording
maybe_span: "Span | runtime_hub.NoopSpan" = current_span()
delivered: bool = runtime_hub.flush(1.0)
runtime_hub.track_module("json")
runtime_hub.track_class(Cart)
runtime_hub.instrument("openai")

with capture_spans() as spans:
    assert isinstance(spans, InMemoryTransport)
    spans.finished()
