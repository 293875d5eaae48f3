"""Concise builders for hand-written v1 events in tests, with defaults for what a test ignores."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import msgspec

from kozaguard.events.codec import decode_event
from kozaguard.events.schema import ACTION_TYPES, Event

JST = timezone(timedelta(hours=9))
_ids = itertools.count(1)


def at(day: int = 1, hour: int = 10, minute: int = 0, second: int = 0) -> str:
    """A time in April 2025, Japan time."""
    return datetime(2025, 4, day, hour, minute, second, tzinfo=JST).isoformat()


CTX = {
    "account_id": "A1",
    "session_id": "S1",
    "ip": "126.10.20.30",
    "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1",
    "device_id": "d-home",
    "channel": "web",
}


def ev(type_: str, ts: str | None = None, **fields) -> Event:
    """One decoded event; actions get the default session context unless overridden."""
    data = {"type": type_, "event_id": fields.pop("event_id", f"e{next(_ids)}"), "ts": ts or at()}
    if type_ in ACTION_TYPES:
        data.update(CTX)
    data.update(fields)
    return decode_event(msgspec.json.encode(data))


def login(ts: str, result: str = "password_ok", **ctx) -> Event:
    return ev("auth.login", ts, result=result, **ctx)


def buy(ts: str, symbol: str, qty: int, limit: float | None, **ctx) -> Event:
    return ev(
        "order.new",
        ts,
        order_id=ctx.pop("order_id", f"o{next(_ids)}"),
        symbol=symbol,
        side="buy",
        qty=qty,
        order_type="market" if limit is None else "limit",
        limit_price=limit,
        account_type="cash",
        **ctx,
    )


def sell(ts: str, symbol: str, qty: int, **ctx) -> Event:
    return ev(
        "order.new",
        ts,
        order_id=ctx.pop("order_id", f"o{next(_ids)}"),
        symbol=symbol,
        side="sell",
        qty=qty,
        order_type="market",
        account_type="cash",
        **ctx,
    )
