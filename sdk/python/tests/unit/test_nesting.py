"""Parent/child links follow contextvars: through calls, asyncio tasks and (when asked) threads."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import runtime_hub
from runtime_hub import current_span, track, track_span


def by_short_name(spans):
    return {r["name"].rsplit(".", 1)[-1]: r for r in spans.finished()}


def test_nested_calls_share_a_trace(spans):
    @track
    def leaf(x):
        return x

    @track
    def middle(x):
        return leaf(x) + leaf(x)

    @track
    def root():
        return middle(1)

    root()
    records = spans.finished()
    assert len(records) == 4
    assert len({r["traceId"] for r in records}) == 1
    named = {r["spanId"]: r for r in records}
    root_record = next(r for r in records if r["name"].endswith("root"))
    middle_record = next(r for r in records if r["name"].endswith("middle"))
    leaves = [r for r in records if r["name"].endswith("leaf")]
    assert root_record["parentSpanId"] is None
    assert middle_record["parentSpanId"] == root_record["spanId"]
    assert all(named[leaf["parentSpanId"]] is middle_record for leaf in leaves)


def test_sibling_calls_after_a_call_are_not_its_children(spans):
    @track
    def a():
        pass

    @track
    def b():
        pass

    @track
    def root():
        a()
        b()

    root()
    named = by_short_name(spans)
    assert named["a"]["parentSpanId"] == named["root"]["spanId"]
    assert named["b"]["parentSpanId"] == named["root"]["spanId"]


def test_separate_top_level_calls_are_separate_traces(spans):
    @track
    def f():
        pass

    f()
    f()
    assert len({r["traceId"] for r in spans.finished()}) == 2


def test_current_span_inside_and_outside(spans):
    assert current_span().is_recording is False
    current_span().set_attribute("ignored", 1)  # no-op, no error

    @track
    def f():
        current_span().set_attribute("order.id", 7)
        return current_span().span_id

    span_id = f()
    record = spans.finished()[0]
    assert record["spanId"] == span_id and record["attributes"]["order.id"] == 7


async def test_asyncio_tasks_nest_under_the_creating_call(spans):
    @track
    async def child(i):
        await asyncio.sleep(0.001 * (3 - i))
        return await grandchild(i)

    @track
    async def grandchild(i):
        await asyncio.sleep(0)
        return i

    @track
    async def parent():
        return await asyncio.gather(*(child(i) for i in range(3)))

    assert await parent() == [0, 1, 2]
    records = spans.finished()
    parent_record = next(r for r in records if r["name"].endswith("parent"))
    children = [r for r in records if r["name"].endswith(".child")]
    grandchildren = [r for r in records if r["name"].endswith("grandchild")]
    assert len(children) == 3 and len(grandchildren) == 3
    assert all(c["parentSpanId"] == parent_record["spanId"] for c in children)
    child_by_input = {c["input"]["i"]: c["spanId"] for c in children}
    assert all(g["parentSpanId"] == child_by_input[g["input"]["i"]] for g in grandchildren)


def test_plain_threads_start_new_traces(spans):
    @track
    def work():
        pass

    @track
    def root():
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()

    root()
    assert by_short_name(spans)["work"]["parentSpanId"] is None


def test_wrap_carries_the_context_into_threads(spans):
    @track
    def work(i):
        return i

    @track
    def root():
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(runtime_hub.wrap(work), range(8)))  # concurrent use of one wrapper
        thread = threading.Thread(target=runtime_hub.wrap(work), args=(9,))
        thread.start()
        thread.join()
        return results

    assert root() == list(range(8))
    root_id = by_short_name(spans)["root"]["spanId"]
    workers = [r for r in spans.finished() if r["name"].endswith("work")]
    assert len(workers) == 9 and all(w["parentSpanId"] == root_id for w in workers)
    assert all(isinstance(w["attributes"]["thread.id"], int) for w in workers)


@pytest.fixture
def patched_pool():
    runtime_hub.patch_thread_pool()
    yield
    runtime_hub.unpatch_thread_pool()


def test_thread_pool_patch(spans, patched_pool):
    @track
    def work(i):
        return i

    @track
    def root():
        with ThreadPoolExecutor(2) as pool:
            return [f.result() for f in [pool.submit(work, i) for i in range(4)]]

    root()
    root_id = by_short_name(spans)["root"]["spanId"]
    assert all(r["parentSpanId"] == root_id for r in spans.finished() if r["name"].endswith("work"))


async def test_run_in_executor_with_patch(spans, patched_pool):
    @track
    def blocking():
        return 1

    @track
    async def root():
        return await asyncio.get_running_loop().run_in_executor(None, blocking)

    await root()
    named = by_short_name(spans)
    assert named["blocking"]["parentSpanId"] == named["root"]["spanId"]


def test_configure_patch_threads_option(spans):
    runtime_hub.configure(patch_threads=True, transport=spans)
    try:
        with track_span("outer") as outer:
            with ThreadPoolExecutor(1) as pool:
                seen = pool.submit(track(lambda: current_span().parent_span_id)).result()
        assert seen == outer.span_id
    finally:
        runtime_hub.unpatch_thread_pool()


def test_suppress_records_nothing(spans):
    @track
    def f():
        pass

    with runtime_hub.suppress():
        f()
    f()
    assert len(spans.finished()) == 1


def test_session_id_is_inherited(spans):
    @track
    def child():
        pass

    with track_span("request", session_id="sess-1"):
        child()
    assert {r.get("sessionId") for r in spans.finished()} == {"sess-1"}
