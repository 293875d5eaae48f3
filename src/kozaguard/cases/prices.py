"""Closes and fx rates by Tokyo calendar day: what valuation at a date `T` and a fill's own day need.

A day's close is the symbol's `market.bar` close, else the last quote of that day (streams without
bars still value). A value at `T` takes the latest close and rate on or before `T`. All amounts are
`Decimal`, built from the text of the number, so yen figures come out exact.

>>> from datetime import date
>>> p = PriceBook()
>>> p.add_close("X", date(2025, 4, 28), 60)
>>> p.add_fx("USD", date(2025, 4, 28), 150.25)
>>> p.close_on("X", date(2025, 4, 30)), p.fx_on("USD", date(2025, 4, 30)), p.fx_on("JPY", date(2025, 4, 30))
(Decimal('60'), Decimal('150.25'), Decimal('1'))
"""

from __future__ import annotations

import bisect
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

JST = timezone(timedelta(hours=9), "JST")
ONE = Decimal(1)


def dec(x: int | float | str | Decimal) -> Decimal:
    """A number as an exact decimal of its shortest text (0.1 stays 0.1)."""
    return x if isinstance(x, Decimal) else Decimal(str(x))


def tokyo_day(ts: datetime) -> date:
    """The Japan-time calendar day of an instant."""
    return ts.astimezone(JST).date()


class MissingPrice(LookupError):
    """No close (or fx rate) on or before the date asked: names the symbol or currency and the date."""


class _Series:
    __slots__ = ("days", "values")

    def __init__(self) -> None:
        self.days: list[date] = []
        self.values: list[Decimal] = []

    def put(self, day: date, value: Decimal) -> None:
        i = bisect.bisect_left(self.days, day)
        if i < len(self.days) and self.days[i] == day:
            self.values[i] = value
        else:
            self.days.insert(i, day)
            self.values.insert(i, value)

    def on_or_before(self, day: date) -> Decimal | None:
        i = bisect.bisect_right(self.days, day)
        return self.values[i - 1] if i else None


class PriceBook:
    """Daily closes per symbol, daily fx per currency, and each symbol's currency."""

    def __init__(self) -> None:
        self.closes: dict[str, _Series] = {}
        self.rates: dict[str, _Series] = {}
        self.currency: dict[str, str] = {}
        self.last_day: date | None = None

    def add_close(self, symbol: str, day: date, close: float | Decimal) -> None:
        self.closes.setdefault(symbol, _Series()).put(day, dec(close))
        if self.last_day is None or day > self.last_day:
            self.last_day = day

    def add_fx(self, currency: str, day: date, rate: float | Decimal) -> None:
        self.rates.setdefault(currency, _Series()).put(day, dec(rate))

    def close_on(self, symbol: str, day: date) -> Decimal:
        """The latest close of `symbol` on or before `day`."""
        series = self.closes.get(symbol)
        value = series.on_or_before(day) if series else None
        if value is None:
            raise MissingPrice(
                f"no close of {symbol} on or before {day}; the stream needs a bar or quote for it"
            )
        return value

    def fx_on(self, currency: str, day: date) -> Decimal:
        """Yen per unit of `currency` on `day` (its latest rate on or before it; JPY is 1)."""
        if currency == "JPY":
            return ONE
        series = self.rates.get(currency)
        value = series.on_or_before(day) if series else None
        if value is None:
            raise MissingPrice(
                f"no {currency}JPY rate on or before {day}; the stream needs an fx.rate for it"
            )
        return value

    def currency_of(self, symbol: str) -> str:
        return self.currency.get(symbol, "JPY")
