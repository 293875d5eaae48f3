"""Order arithmetic the order detectors share: the reference price and how far a limit sits above it."""

from __future__ import annotations

from kozaguard.engine.state import Symbol
from kozaguard.events.schema import OrderNew


def reference_price(sym: Symbol) -> float | None:
    """What a buyer would pay now: the ask, else the last trade, else the last close."""
    return sym.ask or sym.last or sym.close


def premium(order: OrderNew, sym: Symbol) -> float:
    """How far a buy limit sits above the reference price (0.25 = 25% above; 0 for market orders).

    >>> from kozaguard.engine.state import Symbol
    >>> from kozaguard.events.codec import decode_event
    >>> o = decode_event('{"type":"order.new","event_id":"e","ts":"2025-04-01T10:00:00+09:00",'
    ...   '"account_id":"a","session_id":"s","ip":"1.2.3.4","user_agent":"u","channel":"web",'
    ...   '"order_id":"o","symbol":"X","side":"buy","qty":100,"order_type":"limit",'
    ...   '"limit_price":125,"account_type":"cash"}')
    >>> premium(o, Symbol(symbol="X", ask=100.0))
    0.25
    """
    ref = reference_price(sym)
    if order.limit_price is None or not ref:
        return 0.0
    return order.limit_price / ref - 1.0


def volume_share(order: OrderNew, sym: Symbol) -> float:
    """The order's quantity as a share of the symbol's usual daily volume (0 when unknown)."""
    return order.qty / sym.avg_volume if sym.avg_volume else 0.0
