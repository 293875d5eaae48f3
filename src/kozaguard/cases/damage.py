"""The damage of one case: buy loss, sell loss, fees and restoration, in yen.

Definitions (docs/cases.md): a fill's price is converted with the fx rate of its own day; values at
the valuation date `T` use the close and rate of `T`. Shares the attacker bought that the customer
later sold count at the price he sold them for. Everything is exact `Decimal` until the end, where
each figure is rounded half up to whole yen (never per fill).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from kozaguard.cases.prices import PriceBook, dec

ZERO = Decimal(0)


def yen(x: Decimal) -> int:
    """Whole yen, rounded half up (away from zero for negative amounts too).

    >>> yen(Decimal("0.5")), yen(Decimal("1.49")), yen(Decimal("-2.5"))
    (1, 1, -3)
    """
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class Trade:
    """One fill of the case's account, with the yen rate of its day and whether it was the attacker's."""

    fill_id: str
    order_id: str
    ts: datetime
    symbol: str
    side: str
    qty: Decimal
    price: Decimal
    fee: Decimal
    fx: Decimal
    unauthorized: bool

    @property
    def gross_jpy(self) -> Decimal:
        """`qty × price` in yen at the fill's rate, fees excluded (the regulator's notional)."""
        return self.qty * self.price * self.fx


@dataclass(slots=True)
class Damage:
    """Exact figures of one case; `figures()` gives the rounded integers the export carries."""

    valuation_date: date
    buy_cost: Decimal = ZERO  # unauthorized buys: qty × price × fx + fee
    bought_value: Decimal = ZERO  # their shares at T (or at the customer's own later sale)
    sold_value: Decimal = ZERO  # shares the attacker sold, at T
    sell_proceeds: Decimal = ZERO  # unauthorized sells: qty × price × fx − fee
    buy_fees: Decimal = ZERO
    sell_fees: Decimal = ZERO
    withdrawn: Decimal = ZERO  # cash the attacker withdrew (outside D, see docs)
    return_shares: dict[str, Decimal] = field(default_factory=dict)  # in kind: back to the customer
    give_up_shares: dict[str, Decimal] = field(default_factory=dict)  # in kind: the attacker's buys
    resold_cash: Decimal = ZERO  # what the customer got selling the attacker's shares

    @property
    def buy_loss(self) -> Decimal:
        return self.buy_cost - self.bought_value

    @property
    def sell_loss(self) -> Decimal:
        return self.sold_value - self.sell_proceeds

    @property
    def fees(self) -> Decimal:
        return self.buy_fees + self.sell_fees

    @property
    def buy_loss_ex_fees(self) -> Decimal:
        return self.buy_loss - self.buy_fees

    @property
    def sell_loss_ex_fees(self) -> Decimal:
        return self.sell_loss - self.sell_fees

    @property
    def restoration(self) -> Decimal:
        return self.buy_loss + self.sell_loss

    @property
    def net_cash(self) -> Decimal:
        """Cash the attacker's trades left in the account (sale proceeds minus buy costs)."""
        return self.sell_proceeds - self.buy_cost + self.resold_cash

    def figures(self) -> dict[str, object]:
        """The export's `damage` object (integers in yen), plus `withdrawn`."""
        return {
            "valuation_date": self.valuation_date.isoformat(),
            "buy_loss": yen(self.buy_loss),
            "buy_loss_ex_fees": yen(self.buy_loss_ex_fees),
            "sell_loss": yen(self.sell_loss),
            "sell_loss_ex_fees": yen(self.sell_loss_ex_fees),
            "fees": yen(self.fees),
            "restoration": yen(self.restoration),
            "withdrawn": yen(self.withdrawn),
        }


def assess(
    trades: list[Trade],
    holdings_before: dict[str, float | Decimal],
    prices: PriceBook,
    valuation_date: date,
    withdrawn: Decimal = ZERO,
) -> Damage:
    """The damage of the unauthorized trades among `trades` (all fills of the account, in time order).

    `holdings_before` are the customer's positions when the stream starts; his own later buys and
    sells are followed so that a sale of his own shares is not mistaken for a sale of the attacker's.

    The worked example: the attacker sells 1,000 A at ¥2,950 (fee ¥1,000), buys 20,000 X at ¥140
    (fee ¥1,500); at T A closes at ¥3,100 and X at ¥60.

    >>> from datetime import timezone
    >>> p = PriceBook(); T = date(2025, 4, 30)
    >>> p.add_close("A", T, 3100); p.add_close("X", T, 60)
    >>> ts = datetime(2025, 4, 21, 1, tzinfo=timezone.utc)
    >>> t = lambda i, s, side, q, px, fee: Trade(i, i, ts, s, side, dec(q), dec(px), dec(fee), dec(1), True)
    >>> fills = [t("1", "A", "sell", 1000, 2950, 1000), t("2", "X", "buy", 20000, 140, 1500)]
    >>> d = assess(fills, {"A": 1000}, p, T)
    >>> {k: v for k, v in d.figures().items() if k not in ("valuation_date", "withdrawn")}
    {'buy_loss': 1601500, 'buy_loss_ex_fees': 1600000, 'sell_loss': 151000, 'sell_loss_ex_fees': 150000, \
'fees': 2500, 'restoration': 1752500}
    """
    d = Damage(valuation_date=valuation_date, withdrawn=withdrawn)
    own: dict[str, Decimal] = defaultdict(Decimal, {s: dec(q) for s, q in holdings_before.items()})
    bought: dict[str, Decimal] = defaultdict(Decimal)  # attacker-bought shares not yet resold
    sold: dict[str, Decimal] = defaultdict(Decimal)
    for t in trades:
        if t.unauthorized and t.side == "buy":
            d.buy_cost += t.gross_jpy + t.fee
            d.buy_fees += t.fee
            bought[t.symbol] += t.qty
        elif t.unauthorized:
            d.sell_proceeds += t.gross_jpy - t.fee
            d.sell_fees += t.fee
            sold[t.symbol] += t.qty
            own[t.symbol] = max(ZERO, own[t.symbol] - t.qty)
        elif t.side == "buy":
            own[t.symbol] += t.qty
        else:  # the customer's own sale: of his own shares first, then of the attacker's
            from_own = min(t.qty, own[t.symbol])
            own[t.symbol] -= from_own
            resold = min(t.qty - from_own, bought[t.symbol])
            if resold > 0:
                bought[t.symbol] -= resold
                value = resold * t.price * t.fx
                d.bought_value += value
                d.resold_cash += value
    for symbol, qty in bought.items():
        if qty:
            d.bought_value += (
                qty * prices.close_on(symbol, valuation_date) * _fx_t(prices, symbol, valuation_date)
            )
    for symbol, qty in sold.items():
        d.sold_value += qty * prices.close_on(symbol, valuation_date) * _fx_t(prices, symbol, valuation_date)
    for symbol in sorted(set(bought) | set(sold)):
        net = sold[symbol] - bought[symbol]
        if net > 0:
            d.return_shares[symbol] = net
        elif net < 0:
            d.give_up_shares[symbol] = -net
    return d


def _fx_t(prices: PriceBook, symbol: str, day: date) -> Decimal:
    return prices.fx_on(prices.currency_of(symbol), day)
