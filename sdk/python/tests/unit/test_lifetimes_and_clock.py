"""Regression tests for issue 18: the wrappers hold nothing the caller does not hold, and every
span time comes from one clock."""

import asyncio
import gc
import time
import weakref

from runtime_hub import track


class Item:
    pass


def test_a_tracked_generator_does_not_keep_the_last_item_alive(spans):
    @track
    def produce():
        for _ in range(3):
            yield Item()

    gen = produce()
    ref = weakref.ref(next(gen))
    gc.collect()
    assert ref() is None  # the caller dropped it; nobody else may hold it
    next(gen)
    gen.close()


def test_a_tracked_generator_does_not_keep_the_last_sent_value_alive(spans):
    @track
    def echo():
        while True:
            value = yield
            del value

    gen = echo()
    next(gen)
    sent = Item()
    ref = weakref.ref(sent)
    gen.send(sent)
    del sent
    gc.collect()
    assert ref() is None
    gen.close()


def test_a_tracked_async_generator_does_not_keep_the_last_item_alive(spans):
    @track
    async def produce():
        for _ in range(3):
            yield Item()

    async def main():
        agen = produce()
        ref = weakref.ref(await agen.__anext__())
        gc.collect()
        alive = ref() is not None
        await agen.aclose()
        return alive

    assert asyncio.run(main()) is False


def test_children_stay_inside_their_parent_when_the_wall_clock_steps(spans, monkeypatch):
    real = time.time

    @track
    def child():
        return 1

    @track
    def parent():
        monkeypatch.setattr(time, "time", lambda: real() - 3600.0)  # NTP steps back an hour
        try:
            return child()
        finally:
            monkeypatch.setattr(time, "time", real)

    parent()
    by_name = {r["name"].rsplit(".", 1)[-1]: r for r in spans.finished()}
    p, c = by_name["parent"], by_name["child"]
    assert p["startTime"] <= c["startTime"] <= c["endTime"] <= p["endTime"]
