"""What an attacker's fills and withdrawals cost the customer, in yen (docs/evaluation.md, "Valuation").

A fill is valued twice: at its own time (price in the instrument's currency, converted with the
latest `fx.rate` then) and at `T`, the stream's last close (converted with the last rate seen).
`Market` keeps only what that needs: each symbol's currency, the latest rate per currency, and the
last bar close and quote per symbol.
"""

from __future__ import annotations

from msgspec import Struct

from kozaguard.events.schema import FxRate, Instrument, MarketBar, MarketQuote


def buy_loss(qty: float, price: float, fx: float, fee: float, close_t: float, fx_t: float) -> float:
    """Cost of an attacker's buy fill minus what the shares are worth at `T`.

    The worked example of compensation.md: 20,000 X bought at ¥140 with a ¥1,500 fee, X closes at ¥60.

    >>> buy_loss(20_000, 140, 1, 1_500, 60, 1)
    1601500
    """
    return qty * price * fx + fee - qty * close_t * fx_t


def sell_loss(qty: float, price: float, fx: float, fee: float, close_t: float, fx_t: float) -> float:
    """What buying back the shares an attacker sold costs at `T`, minus the sale's net proceeds.

    Negative when the shares fell after the sale. The worked example: 1,000 A sold at ¥2,950 with a
    ¥1,000 fee, A closes at ¥3,100.

    >>> sell_loss(1_000, 2_950, 1, 1_000, 3_100, 1)
    151000
    """
    return qty * close_t * fx_t - (qty * price * fx - fee)


class FillDamage(Struct, kw_only=True, gc=False):
    """An attacker's fill as valuation needs it: `fx` is the yen rate at the fill's time."""

    index: int
    event_id: str
    symbol: str
    currency: str
    side: str
    qty: float
    price: float
    fee: float
    fx: float


class WithdrawalDamage(Struct, kw_only=True, gc=False):
    """An attacker's withdrawal: the customer loses its amount."""

    index: int
    event_id: str
    amount: float


Damage = FillDamage | WithdrawalDamage


class Loss(Struct, kw_only=True, gc=False):
    """Yen lost, split by kind; `fees` are inside `buy` and `sell` already."""

    buy: float = 0.0
    sell: float = 0.0
    withdrawn: float = 0.0
    fees: float = 0.0

    @property
    def total(self) -> float:
        return self.buy + self.sell + self.withdrawn

    def add(self, other: Loss) -> None:
        self.buy += other.buy
        self.sell += other.sell
        self.withdrawn += other.withdrawn
        self.fees += other.fees


class Market:
    """Reference data seen so far in the stream: currencies, fx rates, closes and quotes.

    >>> from datetime import datetime, timezone
    >>> ts = datetime(2025, 3, 17, tzinfo=timezone.utc)
    >>> m = Market()
    >>> m.fx_rate(FxRate(event_id="f", ts=ts, pair="HKDJPY", rate=19.2))
    >>> m.rate("HKD"), m.rate("JPY"), m.rate("USD")
    (19.2, 1.0, None)
    """

    __slots__ = ("bar_close", "currency", "quote_last", "rates")

    def __init__(self) -> None:
        self.currency: dict[str, str] = {}
        self.rates: dict[str, float] = {}
        self.bar_close: dict[str, float] = {}
        self.quote_last: dict[str, float] = {}

    def instrument(self, event: Instrument) -> None:
        self.currency[event.symbol] = event.currency

    def fx_rate(self, event: FxRate) -> None:
        self.rates[event.pair[:3]] = event.rate

    def bar(self, event: MarketBar) -> None:
        self.bar_close[event.symbol] = event.close

    def quote(self, event: MarketQuote) -> None:
        self.quote_last[event.symbol] = event.last

    def rate(self, currency: str) -> float | None:
        """Yen per unit of `currency` now; None when no rate has been seen yet."""
        return 1.0 if currency == "JPY" else self.rates.get(currency)

    def close(self, symbol: str) -> float | None:
        """The last close of `symbol`: its last bar's close, else its last quote; None if neither."""
        close = self.bar_close.get(symbol)
        return self.quote_last.get(symbol) if close is None else close


def value(damage: Damage, close_t: float, fx_t: float) -> Loss:
    """The loss one damage item causes, valued with the close and fx rate at `T`."""
    if isinstance(damage, WithdrawalDamage):
        return Loss(withdrawn=damage.amount)
    d = damage
    if d.side == "buy":
        return Loss(buy=buy_loss(d.qty, d.price, d.fx, d.fee, close_t, fx_t), fees=d.fee)
    return Loss(sell=sell_loss(d.qty, d.price, d.fx, d.fee, close_t, fx_t), fees=d.fee)
