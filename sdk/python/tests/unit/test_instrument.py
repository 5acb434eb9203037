"""track_module / track_class: many functions at once."""

import sys
import types

import runtime_hub


def make_module():
    module = types.ModuleType("fake_shop")
    source = '''
import json

def price(sku):
    return 10

def _helper():
    return price("a")

async def fetch():
    return 1

class Cart:
    def total(self):
        return price("x")

    def __repr__(self):
        return "Cart"

loads = json.loads  # imported: not ours
'''
    exec(compile(source, "fake_shop.py", "exec"), module.__dict__)
    sys.modules["fake_shop"] = module
    return module


def test_track_module_tracks_its_own_functions(spans):
    module = make_module()
    runtime_hub.track_module(module)
    module._helper()
    assert module.loads("1") == 1
    names = sorted(r["name"] for r in spans.finished())
    assert names == ["_helper", "price"]
    assert module.Cart().total() == 10  # classes left alone by default
    assert len(spans.finished()) == 3  # ... but price inside it is tracked


def test_track_module_by_name_with_classes_and_filters(spans):
    make_module()
    runtime_hub.track_module("fake_shop", classes=True, exclude=["_*"])
    module = sys.modules["fake_shop"]
    module._helper()
    module.Cart().total()
    repr(module.Cart())
    names = [r["name"] for r in spans.finished()]
    assert "_helper" not in names and "Cart.total" in names and "Cart.__repr__" not in names


def test_track_module_missing_module_warns(spans):
    import pytest

    with pytest.warns(RuntimeWarning):
        assert runtime_hub.track_module("no_such_module_xyz") is None


def test_track_class_include(spans):
    class Repo:
        def __init__(self):
            self.rows = []

        def add(self, row):
            self.rows.append(row)

        def count(self):
            return len(self.rows)

    runtime_hub.track_class(Repo, include=["__init__", "add"])
    repo = Repo()
    repo.add(1)
    repo.count()
    assert sorted(r["name"].rsplit(".", 1)[-1] for r in spans.finished()) == ["__init__", "add"]
