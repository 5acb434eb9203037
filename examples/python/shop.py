"""A small shop backend to watch in runtime-hub: nested calls, an error, a slow call, a generator,
async fan-out, a manual span and redacted secrets.

    npm start                              # the hub, at http://127.0.0.1:8765
    pip install -e sdk/python              # or: export PYTHONPATH=sdk/python/src
    python examples/python/shop.py         # one round of orders, then exit
    python examples/python/shop.py --loop  # keep ordering, to watch the live feed

Then open http://127.0.0.1:8765 and pick the service "example-shop".
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from dataclasses import dataclass
from typing import Dict, Iterator, List

import runtime_hub
from runtime_hub import track, track_span

runtime_hub.configure(service="example-shop")


@dataclass
class Item:
    sku: str
    name: str
    price: float


class PaymentDeclined(Exception):
    pass


@track
def load_catalog() -> Dict[str, Item]:
    """The slow call: shows as "running" in the dashboard while it sleeps."""
    time.sleep(2.5)
    return {
        "tea": Item("tea", "Green tea", 4.5),
        "mug": Item("mug", "Blue mug", 12.0),
        "pot": Item("pot", "Tea pot", 30.0),
    }


@track
def price(item: Item, quantity: int) -> float:
    return round(item.price * quantity, 2)


@track
def apply_discount(total: float, code: str) -> float:
    codes = {"WELCOME10": 0.10, "TEA5": 0.05}
    if code not in codes:
        raise ValueError(f"unknown discount code {code!r}")
    return round(total * (1 - codes[code]), 2)


@track(kind="http")
async def shipping_quote(carrier: str, weight_kg: float) -> float:
    await asyncio.sleep(random.uniform(0.05, 0.2))
    return round({"post": 4.9, "express": 9.9, "courier": 14.0}[carrier] + weight_kg, 2)


@track
async def cheapest_shipping(weight_kg: float) -> float:
    quotes = await asyncio.gather(*(shipping_quote(c, weight_kg) for c in ("post", "express", "courier")))
    return min(quotes)


@track
def receipt_lines(cart: Dict[str, int], catalog: Dict[str, Item]) -> Iterator[str]:
    for sku, quantity in cart.items():
        yield f"{quantity} x {catalog[sku].name}"


@track
def charge(customer: str, amount: float, card_number: str) -> str:
    """`card_number` is redacted by default; the hub never sees it."""
    with track_span("payment gateway", kind="http", attributes={"gateway": "fakepay"}) as span:
        time.sleep(0.05)
        if amount > 100:
            raise PaymentDeclined(f"amount {amount} over the card limit")
        span.set_output({"status": "captured"})
    return f"ch_{random.randrange(10**8):08d}"


@track(kind="workflow")
def checkout(customer: str, cart: Dict[str, int], catalog: Dict[str, Item], discount: str = "") -> Dict[str, object]:
    total = sum(price(catalog[sku], quantity) for sku, quantity in cart.items())
    if discount:
        try:
            total = apply_discount(total, discount)
        except ValueError:
            pass  # a caught error: the span is red, the order goes on
    total += asyncio.run(cheapest_shipping(weight_kg=0.4 * sum(cart.values())))
    lines: List[str] = list(receipt_lines(cart, catalog))
    charge_id = charge(customer, round(total, 2), card_number="4111 1111 1111 1111")
    return {"customer": customer, "total": round(total, 2), "lines": lines, "charge": charge_id}


ORDERS = [
    ("ann", {"tea": 2, "mug": 1}, "WELCOME10"),
    ("bob", {"pot": 1}, "FREESTUFF"),  # unknown code: an error inside a successful checkout
    ("cyd", {"pot": 3, "mug": 2}, ""),  # over the limit: checkout fails
]


def run_orders(catalog: Dict[str, Item]) -> None:
    for customer, cart, discount in ORDERS:
        try:
            order = checkout(customer, cart, catalog, discount)
            print(f"{customer}: paid {order['total']} ({order['charge']})")
        except PaymentDeclined as exc:
            print(f"{customer}: declined ({exc})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loop", action="store_true", help="keep placing orders until interrupted")
    args = parser.parse_args()
    catalog = load_catalog()
    run_orders(catalog)
    while args.loop:
        time.sleep(1)
        run_orders(catalog)


if __name__ == "__main__":
    main()
