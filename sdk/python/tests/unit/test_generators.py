"""Generators: one span for the whole iteration; context entered only while the generator runs."""

import asyncio

import pytest

from runtime_hub import current_span, track


def test_generator_exhausted(spans):
    @track
    def count(n):
        for i in range(n):
            yield i
        return "done"

    assert list(count(3)) == [0, 1, 2]
    record = spans.finished()[0]
    assert record["status"] == "ok"
    assert record["output"] == {"yielded": [0, 1, 2], "returned": "done"}
    assert record["attributes"]["runtime_hub.generator.items"] == 3


def test_generator_return_value_reaches_yield_from(spans):
    @track
    def inner():
        yield 1
        return 42

    def outer():
        value = yield from inner()
        yield value

    assert list(outer()) == [1, 42]


def test_generator_closed_early(spans):
    @track
    def numbers():
        i = 0
        while True:
            yield i
            i += 1

    for value in numbers():
        if value == 4:
            break
    import gc

    gc.collect()
    record = spans.finished()[0]
    assert record["status"] == "ok"
    assert record["attributes"]["runtime_hub.generator.items"] == 5
    assert record["attributes"]["runtime_hub.generator.closed_early"] is True


def test_generator_cleanup_runs_inside_the_span(spans):
    seen = []

    @track
    def resource():
        try:
            yield 1
            yield 2
        finally:
            seen.append(current_span().name)

    gen = resource()
    next(gen)
    gen.close()
    assert seen and seen[0].endswith("resource")


def test_generator_error(spans):
    @track
    def broken():
        yield 1
        raise KeyError("k")

    with pytest.raises(KeyError):
        list(broken())
    record = spans.finished()[0]
    assert record["status"] == "error" and record["error"]["type"] == "KeyError"
    assert record["attributes"]["runtime_hub.generator.items"] == 1


def test_generator_send_and_throw(spans):
    @track
    def echo():
        received = []
        try:
            while True:
                value = yield len(received)
                received.append(value)
        except ValueError:
            yield "caught"

    gen = echo()
    assert next(gen) == 0
    assert gen.send("a") == 1
    assert gen.throw(ValueError("x")) == "caught"
    gen.close()
    assert spans.finished()[0]["status"] == "ok"


def test_context_is_not_held_across_yield(spans):
    @track
    def produce():
        inside = current_span().name
        yield inside
        yield current_span().name

    @track
    def consume():
        names = []
        for item in produce():
            names.append(item)
            names.append(current_span().name)  # the consumer's own span, not the generator's
        return names

    names = consume()
    assert names[0].endswith("produce") and names[2].endswith("produce")
    assert names[1].endswith("consume") and names[3].endswith("consume")
    records = {r["name"].rsplit(".", 1)[-1]: r for r in spans.finished()}
    assert records["produce"]["parentSpanId"] == records["consume"]["spanId"]


def test_spans_inside_a_generator_nest_under_it(spans):
    @track
    def step(i):
        return i

    @track
    def pipeline():
        for i in range(2):
            yield step(i)

    list(pipeline())
    records = {r["name"].rsplit(".", 1)[-1] for r in spans.finished()}
    assert records == {"step", "pipeline"}
    pipeline_id = next(r["spanId"] for r in spans.finished() if r["name"].endswith("pipeline"))
    assert all(r["parentSpanId"] == pipeline_id for r in spans.finished() if r["name"].endswith("step"))


def test_generator_bad_arguments_raise_at_first_next_like_the_original(spans):
    @track
    def gen(a):
        yield a

    iterator = gen()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        next(iterator)


def test_many_yielded_items_are_truncated(spans):
    @track
    def many():
        yield from range(200)

    assert sum(many()) == sum(range(200))
    record = spans.finished()[0]
    assert len(record["output"]) == 51 and record["output"][-1].endswith("150 more items")
    assert record["attributes"]["runtime_hub.generator.items"] == 200


async def test_async_generator(spans):
    @track
    async def ticks(n):
        for i in range(n):
            await asyncio.sleep(0)
            yield i

    assert [i async for i in ticks(3)] == [0, 1, 2]
    record = spans.finished()[0]
    assert record["output"] == [0, 1, 2] and record["status"] == "ok"


async def test_async_generator_closed_early(spans):
    @track
    async def forever():
        i = 0
        while True:
            yield i
            i += 1

    agen = forever()
    async for value in agen:
        if value == 2:
            break
    await agen.aclose()
    record = spans.finished()[0]
    assert record["attributes"]["runtime_hub.generator.closed_early"] is True
    assert record["attributes"]["runtime_hub.generator.items"] == 3


async def test_async_generator_error_and_asend(spans):
    @track
    async def acc():
        total = 0
        while True:
            value = yield total
            if value is None:
                raise ValueError("no value")
            total += value

    agen = acc()
    assert await agen.asend(None) == 0
    assert await agen.asend(5) == 5
    with pytest.raises(ValueError):
        await agen.asend(None)
    record = spans.finished()[0]
    assert record["status"] == "error" and record["error"]["message"] == "no value"


async def test_async_generator_context_not_held(spans):
    @track
    async def produce():
        yield current_span().name

    @track
    async def consume():
        out = []
        async for name in produce():
            out.append((name, current_span().name))
        return out

    ((inner, outer),) = await consume()
    assert inner.endswith("produce") and outer.endswith("consume")
