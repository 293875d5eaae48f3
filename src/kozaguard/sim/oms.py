"""Order management: places orders against the day's market and reports fills, as a broker's OMS would.

Every order is preceded by a quote of its symbol (the screen the customer ordered from). Market orders
fill at once in a session, or at the next open when placed outside one; limit orders fill at the first
minute the price crosses the limit, or stay unfilled and expire at the close. Large orders in thin
symbols fill in pieces. Fees follow zero-commission domestic trading and percentage fees abroad.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kozaguard.sim.accounts import Account, Holding
from kozaguard.sim.drafts import Ctx, Label, OrderKey, Sink, randint
from kozaguard.sim.instruments import InstrumentInfo, round_to_tick
from kozaguard.sim.market import MarketDay


@dataclass(slots=True)
class Placed:
    """What happened to an order: its key and the quantity filled today."""

    key: OrderKey
    filled: float
    notional_jpy: float
    pending: bool


@dataclass(slots=True)
class _Pending:
    key: OrderKey
    account: Account
    symbol: str
    side: str
    qty: float
    limit: float | None
    account_type: str
    label: Label | None
    truth: str | None


class OrderDesk:
    """Places orders for customers and attackers alike and emits `market.quote`, `order.new`, `order.fill`."""

    def __init__(self, sink: Sink, universe: dict[str, InstrumentInfo]) -> None:
        self.sink = sink
        self.universe = universe
        self.mday: MarketDay | None = None
        self.pending: list[_Pending] = []
        self.traded: set[str] = set()  # symbols ordered today: quoted through the session
        self.attack_notional_jpy = 0.0

    # market data ----------------------------------------------------------------------------
    def quote(self, rng: random.Random, symbol: str, ms: int) -> None:
        assert self.mday is not None
        q = self.mday.quote(symbol, ms, rng.random())
        self.sink.emit(
            ms,
            "market.quote",
            {
                "symbol": symbol,
                "last": q.last,
                "bid": q.bid,
                "ask": q.ask,
                "prev_close": q.prev_close,
                "volume_today": q.volume_today,
            },
        )

    def fee_jpy(self, info: InstrumentInfo, notional_jpy: float, account_type: str) -> int:
        if not info.foreign or account_type == "nisa":
            return 0
        if info.currency == "USD":
            return round(min(notional_jpy * 0.00495, 22 * self.mday.fx_rate("USD", 0) if self.mday else 3300))
        return round(notional_jpy * 0.00286)

    # orders ---------------------------------------------------------------------------------
    def order(
        self,
        rng: random.Random,
        ms: int,
        ctx: Ctx,
        account: Account,
        symbol: str,
        side: str,
        qty: float,
        limit: float | None,
        account_type: str = "cash",
        label: Label | None = None,
        truth: str | None = None,
    ) -> Placed:
        """Emit quote + `order.new` at `ms` and the fills the market gives it today."""
        self.quote(rng, symbol, ms - randint(rng, 400, 4000))
        key = self.sink.new_order_key()
        fields = ctx.fields()
        fields.update(
            order_id=key,
            symbol=symbol,
            side=side,
            qty=qty,
            order_type="market" if limit is None else "limit",
            limit_price=limit,
            account_type=account_type,
        )
        self.sink.emit(ms, "order.new", fields, label, truth)
        self.traded.add(symbol)
        if side == "sell":
            held = account.positions.get(symbol)
            if held is not None:
                held.qty -= qty
                if held.qty <= 0:
                    del account.positions[symbol]
        p = _Pending(key, account, symbol, side, qty, limit, account_type, label, truth)
        return self._execute(rng, p, ms)

    def cancel(
        self, ms: int, ctx: Ctx, key: OrderKey, label: Label | None = None, truth: str | None = None
    ) -> None:
        fields = ctx.fields()
        fields["order_id"] = key
        self.sink.emit(ms, "order.cancel", fields, label, truth)

    def open_day(self, rng: random.Random, mday: MarketDay) -> None:
        """Start a trading day: orders waiting from outside the sessions go to the market at its open."""
        self.mday = mday
        self.traded = set()
        waiting, self.pending = self.pending, []
        for p in waiting:
            self._execute(rng, p, mday.group(p.symbol).open_ms)

    def _execute(self, rng: random.Random, p: _Pending, ms: int) -> Placed:
        mday = self.mday
        assert mday is not None
        gd = mday.group(p.symbol)
        i = gd.index_at(ms)
        if i is None:
            j = gd.next_index(ms)
            if j is None:  # after today's last session: the next trading day's open
                self.pending.append(p)
                return Placed(p.key, 0.0, 0.0, True)
            i, start_ms = j, gd.minute_ms[j] + randint(rng, 0, 2_000)
        else:
            start_ms = ms + randint(rng, 150, 1500)
        info = self.universe[p.symbol]
        row = gd.price[gd.row[p.symbol]]
        k = i
        if p.limit is not None:
            crossing = row[i:] <= p.limit * 1.0000001 if p.side == "buy" else row[i:] >= p.limit * 0.9999999
            if not crossing.any():
                self._unfilled(p, p.qty)
                return Placed(p.key, 0.0, 0.0, False)
            k = i + int(crossing.argmax())
        # Thin symbols and big orders fill in pieces over the next minutes.
        lots = p.qty / info.lot_size
        pieces = 1
        if lots >= 4 and (info.tier in ("small", "thin") or lots >= 50) and rng.random() < 0.5:
            pieces = min(int(lots), randint(rng, 2, 4))
        left, filled, notional = p.qty, 0.0, 0.0
        fill_ms = start_ms if k == i else gd.minute_ms[k] + randint(rng, 0, 59_000)
        for n in range(pieces):
            if k >= len(gd.minute_ms):
                break
            price = round_to_tick(info.market, float(row[k]))
            if p.limit is not None and (price > p.limit if p.side == "buy" else price < p.limit):
                break
            if n == pieces - 1:
                qty = left
            else:
                qty = (
                    max(1, round(left / (pieces - n) * rng.uniform(0.6, 1.4) / info.lot_size)) * info.lot_size
                )
                qty = min(qty, left - info.lot_size)
                if qty <= 0:
                    continue
            value = qty * price * mday.fx_rate(info.currency, fill_ms)
            fee = self.fee_jpy(info, value, p.account_type)
            self.sink.emit(
                fill_ms,
                "order.fill",
                {
                    "order_id": p.key,
                    "account_id": p.account.account_id,
                    "symbol": p.symbol,
                    "side": p.side,
                    "qty": qty,
                    "price": price,
                    "fee_jpy": fee,
                },
                p.label,
                p.truth,
            )
            self._book(p, qty, price, value, fee)
            left -= qty
            filled += qty
            notional += value
            k += randint(rng, 1, 3)
            fill_ms = max(
                fill_ms + 1000, gd.minute_ms[min(k, len(gd.minute_ms) - 1)] + randint(rng, 0, 59_000)
            )
            if left <= 0:
                break
        if left > 0:
            self._unfilled(p, left)
        if p.label is not None:
            self.attack_notional_jpy += notional
        return Placed(p.key, filled, notional, False)

    def _book(self, p: _Pending, qty: float, price: float, value: float, fee: int) -> None:
        acct = p.account
        if p.side == "buy":
            acct.cash -= value + fee
            held = acct.positions.get(p.symbol)
            if held is None:
                acct.positions[p.symbol] = Holding(qty, price)
            else:
                held.avg_cost = (held.avg_cost * held.qty + price * qty) / (held.qty + qty)
                held.qty += qty
        else:
            acct.cash += value - fee

    def _unfilled(self, p: _Pending, qty: float) -> None:
        """An unfilled sell gives the shares back to the account."""
        if p.side == "sell":
            held = p.account.positions.get(p.symbol)
            if held is None:
                p.account.positions[p.symbol] = Holding(
                    qty, self.mday.prev_close[p.symbol] if self.mday else 0.0
                )
            else:
                held.qty += qty
