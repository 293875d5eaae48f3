"""Legitimate behaviour that looks like a takeover, planted on purpose and listed in `truth.jsonl`.

A detector that flags these bothers real customers. Each case is something customers really do:
a retiree selling everything, an aggressive limit buy above the market, a speculator buying a thin
small cap, a new phone followed by a large order, an e-mail change then trading, a bank change then
a withdrawal, trading from abroad, and selling everything to buy a thin stock.
"""

from __future__ import annotations

import random

from kozaguard.sim.accounts import Account
from kozaguard.sim.customers import Customers
from kozaguard.sim.devices import new_device
from kozaguard.sim.market import MarketDay

CASES = (
    "retiree_sells_all",
    "aggressive_limit_buy",
    "speculator_thin_buy",
    "new_phone_large_order",
    "email_change_then_trade",
    "bank_change_withdrawal",
    "trade_from_abroad",
    "sell_all_buy_thin",
)
_MIN = 60_000


class HardCases:
    """Scripts the hard legitimate cases for a day."""

    def __init__(self, customers: Customers) -> None:
        self.c = customers
        self.count = 0

    def run_day(
        self,
        rng: random.Random,
        day_index: int,
        mday: MarketDay,
        midnight: int,
        per_case: int,
        targets: list[str],
    ) -> set[str]:
        """Play `per_case` instances of every case; return the accounts used (they skip their routine)."""
        used: set[str] = set()
        candidates = [
            a for a in self.c.accounts if not a.compromised and not a.own_of_campaign and not a.tags
        ]
        if not candidates:
            return used
        for case in CASES:
            for _ in range(per_case):
                acct = self._choose(rng, case, candidates, used)
                if acct is None:
                    continue
                used.add(acct.account_id)
                self.count += 1
                tag = f"H{self.count:04d}:{case}"
                t = midnight + int(rng.uniform(9.05, 14.8) * 3_600_000)
                getattr(self, case)(rng, acct, t, day_index, mday, tag, targets)
        return used

    def _choose(self, rng: random.Random, case: str, pool: list[Account], used: set[str]) -> Account | None:
        for _ in range(40):
            a = rng.choice(pool)
            if a.account_id in used:
                continue
            if case == "retiree_sells_all" and (a.birth_year > 1960 or len(a.positions) < 2):
                continue
            if case in ("sell_all_buy_thin",) and not a.positions:
                continue
            if case == "bank_change_withdrawal" and a.cash < 300_000:
                continue
            return a
        return None

    def _buy(self, rng, acct, ctx, t, mday, symbol, share, tag, markup=None):
        info = self.c.universe[symbol]
        price = mday.last(symbol, t) * mday.fx_rate(info.currency, t) * (1 + (markup or 0))
        lots = int(max(acct.cash, 0) * share // (price * info.lot_size))
        if lots > 0:
            self.c.place(
                rng, acct, ctx, t, symbol, "buy", lots * info.lot_size, mday, markup=markup, truth=tag
            )
        return t + rng.randint(30_000, 400_000)

    def _sell_all(self, rng, acct, ctx, t, mday, tag):
        for symbol in list(acct.positions):
            qty = acct.positions[symbol].qty
            self.c.desk.order(rng, t, ctx, acct, symbol, "sell", qty, None, "cash", truth=tag)
            t += rng.randint(15_000, 180_000)
        return t

    def retiree_sells_all(self, rng, acct, t, d, mday, tag, targets):
        ctx, t = self.c.login(rng, acct, t, d, truth=tag)
        t = self._sell_all(rng, acct, ctx, t, mday, tag)
        self.c.logout(rng, ctx, t, 0.8)

    def aggressive_limit_buy(self, rng, acct, t, d, mday, tag, targets):
        ctx, t = self.c.login(rng, acct, t, d, truth=tag)
        symbol = rng.choice(self.c.pools.mid + self.c.pools.small)
        t = self._buy(rng, acct, ctx, t, mday, symbol, rng.uniform(0.3, 0.7), tag, rng.uniform(0.03, 0.12))
        self.c.logout(rng, ctx, t)

    def speculator_thin_buy(self, rng, acct, t, d, mday, tag, targets):
        ctx, t = self.c.login(rng, acct, t, d, truth=tag)
        pool = targets if targets and rng.random() < 0.4 else self.c.movers or self.c.pools.thin
        symbol = rng.choice(pool)
        if mday.group(symbol).index_at(t) is None:  # foreign target: buy in its session
            t = mday.group(symbol).minute_ms[len(mday.group(symbol).minute_ms) // 2]
        t = self._buy(rng, acct, ctx, t, mday, symbol, rng.uniform(0.2, 0.6), tag, rng.uniform(0.01, 0.08))
        self.c.logout(rng, ctx, t)

    def new_phone_large_order(self, rng, acct, t, d, mday, tag, targets):
        phones = [x for x in acct.devices if x.kind == "mobile"]
        if phones:
            acct.devices.remove(phones[0])
        phone = new_device(rng, self.c.uas, "mobile")
        acct.devices.append(phone)
        ip = self.c.nets.mobile(rng).address(rng)
        ctx, t = self.c.login(rng, acct, t, d, device=phone, ip=ip, truth=tag)
        symbol = rng.choice(self.c.pools.blue)
        t = self._buy(rng, acct, ctx, t, mday, symbol, rng.uniform(0.5, 0.9), tag)
        self.c.logout(rng, ctx, t)

    def email_change_then_trade(self, rng, acct, t, d, mday, tag, targets):
        ctx, t = self.c.login(rng, acct, t, d, truth=tag)
        t = self.c.profile_change(rng, acct, ctx, t, "email", truth=tag)
        if acct.positions:
            symbol = rng.choice(list(acct.positions))
            self.c.desk.order(
                rng, t, ctx, acct, symbol, "sell", acct.positions[symbol].qty, None, "cash", truth=tag
            )
            t += rng.randint(20_000, 200_000)
        t = self._buy(rng, acct, ctx, t, mday, rng.choice(self.c.pools.mid), rng.uniform(0.2, 0.5), tag)
        self.c.logout(rng, ctx, t)

    def bank_change_withdrawal(self, rng, acct, t, d, mday, tag, targets):
        ctx, t = self.c.login(rng, acct, t, d, truth=tag)
        t = self.c.profile_change(rng, acct, ctx, t, "bank_account", truth=tag)
        amount = int(acct.cash * rng.uniform(0.5, 0.95))
        fields = {**ctx.fields(), "amount_jpy": amount, "bank_account_id": acct.bank_account_id}
        self.c.sink.emit(t + rng.randint(_MIN, 30 * _MIN), "cash.withdrawal", fields, None, tag)
        acct.cash -= amount
        self.c.logout(rng, ctx, t + 31 * _MIN)

    def trade_from_abroad(self, rng, acct, t, d, mday, tag, targets):
        acct.travel_until = d + rng.randint(1, 6)
        acct.travel_country = rng.choice(self.c.nets.travel_countries)
        ctx, t = self.c.login(rng, acct, t, d, truth=tag)
        if acct.positions and rng.random() < 0.5:
            symbol = rng.choice(list(acct.positions))
            self.c.desk.order(
                rng, t, ctx, acct, symbol, "sell", acct.positions[symbol].qty, None, "cash", truth=tag
            )
        else:
            t = self._buy(rng, acct, ctx, t, mday, rng.choice(self.c.pools.blue), rng.uniform(0.2, 0.5), tag)
        self.c.logout(rng, ctx, t)

    def sell_all_buy_thin(self, rng, acct, t, d, mday, tag, targets):
        ctx, t = self.c.login(rng, acct, t, d, truth=tag)
        t = self._sell_all(rng, acct, ctx, t, mday, tag)
        symbol = rng.choice(self.c.movers or self.c.pools.thin)
        t = self._buy(rng, acct, ctx, t, mday, symbol, rng.uniform(0.6, 0.95), tag, rng.uniform(0.0, 0.05))
        self.c.logout(rng, ctx, t)
