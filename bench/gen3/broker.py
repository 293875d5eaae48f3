"""The broker's side of an order: the order event, its fills on today's path, fees, and the
account's cash and holdings afterwards. Customers and attackers go through the same door.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .market import DayPath, Market
from .tape import Tape


@dataclass
class Account:
    account_id: str
    cash: float
    positions: dict[str, list[float]] = field(default_factory=dict)  # symbol -> [qty, avg_cost]
    margin_used: float = 0.0
    bank: str = ""

    def holding(self, symbol: str) -> float:
        return self.positions.get(symbol, [0, 0])[0]


@dataclass
class Ctx:
    """Session context of one person's visit."""

    account_id: str
    session_id: str
    ip: str
    user_agent: str
    device_id: str | None
    channel: str

    def fields(self) -> dict:
        return {
            "account_id": self.account_id,
            "session_id": self.session_id,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "device_id": self.device_id,
            "channel": self.channel,
        }


def fee(plan: str, path: DayPath, notional_local: float, fx: float, account_type: str) -> int:
    """Commission in yen: free domestic trades and NISA, or a per-order schedule; foreign by rate."""
    if account_type == "nisa":
        return 0
    if path.inst.domestic:
        if plan == "zero":
            return 0
        for upto, yen in ((50_000, 55), (100_000, 99), (200_000, 115), (500_000, 275), (1_000_000, 535)):
            if notional_local <= upto:
                return yen
        return 640 if notional_local <= 1_500_000 else 1013
    if path.inst.currency == "USD":
        return round(min(notional_local * 0.00495, 22.0) * fx)
    return round(min(max(notional_local * 0.0055, 50.0), 500.0) * fx)  # HK and China A: 0.55%, 50 to 500


@dataclass
class Broker:
    tape: Tape
    market: Market
    fee_plan: str

    def order(
        self,
        acct: Account,
        ctx: Ctx,
        t: int,
        path: DayPath,
        side: str,
        qty: float,
        limit: float | None,
        account_type: str,
        label: tuple[str, str] | None = None,
        crew: bool = False,
    ) -> tuple[str, list[tuple[int, float, float]]]:
        """Place an order at `t`; writes `order.new` and its fills, updates the account."""
        oid = self.tape.token("", 40)
        oid = f"{path.day:%y%m%d}{int(oid, 16) % 10**9:09d}"
        self.tape.add(
            t,
            "order.new",
            label,
            crew=crew,
            **ctx.fields(),
            order_id=oid,
            symbol=path.inst.symbol,
            side=side,
            qty=qty,
            order_type="market" if limit is None else "limit",
            limit_price=limit,
            account_type=account_type,
        )
        fills = self.market.fill(path, side, qty, limit, t)
        fx = 1.0 if path.inst.domestic else self.market.fx[path.inst.currency]
        if fills:  # the feed's quote just before the first fill: what the customer saw
            self.quote(path, fills[0][0] - 1)
        for when, q, price in fills:
            notional = q * price
            f = fee(self.fee_plan, path, notional, fx, account_type)
            self.tape.add(
                when,
                "order.fill",
                label,
                crew=crew,
                order_id=oid,
                account_id=acct.account_id,
                symbol=path.inst.symbol,
                side=side,
                qty=q,
                price=price,
                fee_jpy=f,
            )
            yen = notional * fx
            pos = acct.positions.setdefault(path.inst.symbol, [0, 0.0])
            if side == "buy":
                pos[1] = (pos[0] * pos[1] + notional) / (pos[0] + q)
                pos[0] += q
                if account_type == "margin":
                    acct.margin_used += yen
                else:
                    acct.cash -= yen + f
            else:
                pos[0] -= q
                if account_type == "margin":  # closing a margin buy: repay the loan, keep the gain or loss
                    acct.margin_used = max(0.0, acct.margin_used - q * pos[1] * fx)
                    acct.cash += q * (price - pos[1]) * fx - f
                else:
                    acct.cash += yen - f
                if pos[0] <= 0:
                    del acct.positions[path.inst.symbol]
        return oid, fills

    def quote(self, path: DayPath, t: int) -> None:
        last, bid, ask = path.quote(t)
        self.tape.add(
            t,
            "market.quote",
            symbol=path.inst.symbol,
            last=last,
            bid=bid,
            ask=ask,
            prev_close=path.prev_close,
            volume_today=path.volume_at(t),
        )
