"""Order arithmetic the order detectors share: the reference price and how far a limit sits above it."""

from __future__ import annotations

from kozaguard.engine.state import Account, State, Symbol
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


def price_of(sym: Symbol | None) -> float:
    """The symbol's latest known price in its currency (0 when none is known)."""
    if sym is None:
        return 0.0
    return sym.last or sym.close or sym.ask or sym.bid or 0.0


def order_value(order: OrderNew, state: State) -> float:
    """The order's value in yen: its limit, else the latest price."""
    sym = state.symbols.get(order.symbol)
    price = order.limit_price or price_of(sym)
    return state.yen(sym.currency if sym else "JPY", order.qty * price)


def holdings_value(account: Account, state: State) -> float:
    """The holdings at their latest prices, in yen."""
    total = 0.0
    for symbol, qty in account.positions.items():
        sym = state.symbols.get(symbol)
        total += state.yen(sym.currency if sym else "JPY", qty * price_of(sym))
    return total


def account_value(account: Account, state: State) -> float:
    """Cash plus holdings at their latest prices, in yen."""
    return max(account.cash_jpy, 0.0) + holdings_value(account, state)
