"""Pump orders: the buys that turn a takeover into money, found across accounts after the fact.

In the 2025 wave the attackers sold a victim's holdings and, with the proceeds, bid for thin stocks
far above the market, on many accounts the same day, to sell their own shares into the rise. An
investigator looking back sees it plainly: on one day several accounts placed buy orders for the
same symbol with a limit well above its last price (the brokers' 2025 order rule rejected buys more
than 5% above the reference). Those are the *pump orders*. Customers who chase a rising stock buy
at the market or a little above it; they do not bid far above the last trade.

Pure: fed the stream's events in order, by `cases.build`'s first pass.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from kozaguard.cases.prices import tokyo_day
from kozaguard.events.schema import Event, Fill, MarketBar, MarketQuote, OrderNew

ABOVE_LAST = 1.05
"""A buy limit at or above this multiple of the symbol's last price bids far above the market."""

MIN_ACCOUNTS = 2
"""Accounts that must have bid so for one symbol on one day for it to be a pump."""


class PumpWatch:
    """Buys bid far above the market, per symbol and day; `orders()` gives those of pumps.

    The market is the symbol's latest quote or daily close; for a symbol the stream neither quotes
    nor closes, the broker's own last fill of an earlier day (today's fills are the pump's own).
    """

    def __init__(self) -> None:
        self.last: dict[str, float] = {}
        self.fills: dict[str, tuple[date, float, float | None]] = {}  # day, last price, earlier day's
        self.bids: dict[tuple[str, date], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def market(self, symbol: str, day: date) -> float | None:
        """The symbol's price to bid against on `day`."""
        if symbol in self.last:
            return self.last[symbol]
        fill = self.fills.get(symbol)
        if fill is None:
            return None
        return fill[1] if fill[0] < day else fill[2]

    def observe(self, e: Event) -> None:
        if isinstance(e, MarketQuote):
            self.last[e.symbol] = e.last
        elif isinstance(e, MarketBar):
            self.last[e.symbol] = e.close
        elif isinstance(e, Fill):
            day, old = tokyo_day(e.ts), self.fills.get(e.symbol)
            earlier = None if old is None else (old[1] if old[0] < day else old[2])
            self.fills[e.symbol] = (day, e.price, earlier)
        elif isinstance(e, OrderNew) and e.side == "buy" and e.limit_price is not None:
            day = tokyo_day(e.ts)
            last = self.market(e.symbol, day)
            if last and e.limit_price >= ABOVE_LAST * last:
                self.bids[(e.symbol, day)][e.account_id].add(e.order_id)

    def days(self) -> set[tuple[str, date]]:
        """The pumps: (symbol, Japan-time day) on which at least `MIN_ACCOUNTS` accounts bid far
        above the market for the symbol."""
        return {k for k, by_account in self.bids.items() if len(by_account) >= MIN_ACCOUNTS}

    def far_bids(self) -> dict[str, set[str]]:
        """Account → its buys bid far above the market, pump or not (one crew may pump alone)."""
        out: dict[str, set[str]] = defaultdict(set)
        for by_account in self.bids.values():
            for account, ids in by_account.items():
                out[account] |= ids
        return dict(out)

    def orders(self) -> dict[str, set[str]]:
        """Account → its pump orders: far-above-market bids for a symbol on a day when at least
        `MIN_ACCOUNTS` accounts bid so for it."""
        out: dict[str, set[str]] = defaultdict(set)
        for by_account in self.bids.values():
            if len(by_account) >= MIN_ACCOUNTS:
                for account, ids in by_account.items():
                    out[account] |= ids
        return dict(out)
