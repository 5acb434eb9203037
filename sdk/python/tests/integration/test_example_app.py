"""examples/python/shop.py runs against a real hub and shows what it promises."""

from .hub import REPO_ROOT, run_app, wait_for

EXAMPLE = REPO_ROOT / "examples" / "python" / "shop.py"


def test_the_example_app(hub):
    result = run_app(EXAMPLE, hub.url)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "cyd: declined" in result.stdout
    spans = wait_for(lambda: (lambda s: s if len(s) >= 32 else None)(hub.spans("example-shop")))
    assert spans, len(hub.spans("example-shop"))
    names = {s["name"] for s in spans}
    assert {"load_catalog", "checkout", "price", "shipping_quote", "charge", "payment gateway"} <= names
    slow = next(s for s in spans if s["name"] == "load_catalog")
    assert slow["endTime"] - slow["startTime"] >= 2400
    errors = {s["name"] for s in spans if s["status"] == "error"}
    assert errors == {"apply_discount", "checkout", "charge", "payment gateway"}
    ids = {s["spanId"]: s for s in spans}
    quotes = [s for s in spans if s["name"] == "shipping_quote"]
    assert all(ids[ids[q["parentSpanId"]]["parentSpanId"]]["name"] == "checkout" for q in quotes)
    assert all(s["input"]["card_number"] == "[REDACTED]" for s in spans if s["name"] == "charge")
