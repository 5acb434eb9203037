"""Regression tests for issue 18: tracking must not change what the app does."""

import importlib
import sys

import runtime_hub
from runtime_hub import track, track_module


def _fresh(name):
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]
    return importlib.import_module(name)


def test_re_exports_point_at_the_one_wrapper_whatever_the_order(spans):
    for order in (["pkg", "sub"], ["sub", "pkg"]):
        pkg = _fresh("tests.unit.reexport_pkg")
        sub = sys.modules["tests.unit.reexport_pkg.sub"]
        original = sub.helper
        for which in order:
            track_module(pkg if which == "pkg" else sub, classes=True)
        assert pkg.helper is sub.helper is sub.Holder.fn  # one identity everywhere
        assert pkg.helper is not original  # and it is the tracked one
        spans.clear()
        assert pkg.helper(1) == 2
        assert [r["name"] for r in spans.finished()] == ["helper"]
        # a default argument that named the function names the wrapper too
        assert pkg.uses_default(1) == (True, 2)


def test_tracking_a_function_twice_returns_the_same_wrapper(spans):
    def f():
        return 1

    assert track(f) is track(f)


def test_a_tracked_recursive_function_reaches_nearly_the_untracked_depth(spans):
    def plain(n):
        try:
            return plain(n + 1)
        except RecursionError:
            return n

    @track(capture_args=False, capture_result=False)
    def tracked(n):
        try:
            return tracked(n + 1)
        except RecursionError:
            return n

    untracked_depth = plain(0)
    tracked_depth = tracked(0)
    limit = sys.getrecursionlimit()
    assert tracked_depth >= untracked_depth - 20, (tracked_depth, untracked_depth)
    assert sys.getrecursionlimit() == limit  # lent frames are given back


def test_protocol_exceptions_are_recorded_but_not_errors(spans):
    class Countdown:
        def __init__(self):
            self.n = 2

        def __iter__(self):
            return self

        @track
        def __next__(self):
            if self.n == 0:
                raise StopIteration
            self.n -= 1
            return self.n

    assert list(Countdown()) == [1, 0]
    last = spans.finished()[-1]
    assert last["status"] == "ok" and last["error"]["type"] == "StopIteration"
    assert last["attributes"]["runtime_hub.error.ignored"] is True


def test_ignore_errors_per_decorator_and_configured(spans):
    @track(ignore_errors=[KeyError])
    def lookup(table, key):
        return table[key]

    @track
    def parse(text):
        return int(text)

    try:
        lookup({}, "x")
    except KeyError:
        pass
    assert spans.finished()[-1]["status"] == "ok" and spans.finished()[-1]["error"]["type"] == "KeyError"
    try:
        parse("x")
    except ValueError:
        pass
    assert spans.finished()[-1]["status"] == "error"

    runtime_hub.configure(transport=spans, ignore_errors=["ValueError"])
    try:
        parse("x")
    except ValueError:
        pass
    assert spans.finished()[-1]["status"] == "ok" and spans.finished()[-1]["error"]["type"] == "ValueError"


def test_ignore_errors_from_the_environment(monkeypatch):
    from runtime_hub._config import resolve

    monkeypatch.setenv("RUNTIME_HUB_IGNORE_ERRORS", "KeyError, shop.NotFound")
    assert resolve({}).ignore_errors == ("KeyError", "shop.NotFound")


def test_track_package_tracks_modules_before_the_package_uses_them(spans):
    from runtime_hub import track_package

    for key in [k for k in sys.modules if k.startswith("tests.unit.autotrack_pkg")]:
        del sys.modules[key]
    track_package("tests.unit.autotrack_pkg")
    pkg = importlib.import_module("tests.unit.autotrack_pkg")
    assert pkg.HANDLERS["double"] is pkg.double is pkg.ops.double  # one identity, built at import
    assert pkg.HANDLERS["double"](2) == 4
    assert [r["name"] for r in spans.finished()] == ["double"]
