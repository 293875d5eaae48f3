"""Prices: one intraday path per symbol per day, the quotes and bars a broker's feed carries, fx,
and where an order fills on that path.

A pump bends one symbol's path: the hijacked accounts' high-limit buys lift it over about two
hours (up to the TSE's daily limit), volume runs to hundreds of times normal, then it sags.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from .instruments import Instrument
from .market_hours import MS_MIN, ms, sessions

STEP_MIN = 10
SPREAD = {"core": 0.0004, "large": 0.0008, "mid": 0.0015, "etf": 0.001, "small": 0.003, "thin": 0.008}
_LIMITS = (
    (100, 30),
    (200, 50),
    (500, 80),
    (700, 100),
    (1000, 150),
    (1500, 300),
    (2000, 400),
    (3000, 500),
    (5000, 700),
    (7000, 1000),
    (10000, 1500),
    (15000, 3000),
    (20000, 4000),
    (30000, 5000),
    (50000, 7000),
)


def limit_width(prev_close: float) -> float:
    """The TSE's daily price limit (制限値幅) for a previous close."""
    for below, width in _LIMITS:
        if prev_close < below:
            return width
    return 10000


def tick(inst: Instrument, price: float) -> float:
    """Round to the market's price step."""
    if inst.domestic:
        step = 1 if price <= 3000 else 5 if price <= 5000 else 10 if price <= 30000 else 50
        return float(max(step, round(price / step) * step))
    if price < 1:
        return round(max(0.001, price), 3)
    return round(price, 2)


@dataclass
class Pump:
    start: int  # ms
    rise_min: int
    peak: float  # multiple of the open at the top
    extra_volume: int  # shares traded by the pump on top of the day's normal volume


@dataclass
class DayPath:
    inst: Instrument
    day: date
    times: list[int]
    prices: list[float]
    prev_close: float
    volume: int
    pump: Pump | None = None
    high: float = 0.0
    low: float = 0.0

    def __post_init__(self) -> None:
        self.high, self.low = max(self.prices), min(self.prices)

    @property
    def open_ms(self) -> int:
        return self.times[0]

    @property
    def close_ms(self) -> int:
        return self.times[-1]

    def at(self, t: int) -> float:
        """Last trade price at `t` (before the open: the open; after the close: the close)."""
        if t <= self.times[0]:
            return self.prices[0]
        i = bisect_right(self.times, t) - 1
        if i >= len(self.times) - 1:
            return self.prices[-1]
        t0, t1 = self.times[i], self.times[i + 1]
        p = self.prices[i] + (self.prices[i + 1] - self.prices[i]) * (t - t0) / (t1 - t0)
        return tick(self.inst, p)

    def volume_at(self, t: int) -> int:
        if t <= self.open_ms:
            return 0
        frac = min(1.0, (t - self.open_ms) / max(1, self.close_ms - self.open_ms))
        base = int((self.volume - (self.pump.extra_volume if self.pump else 0)) * frac)
        if self.pump and t > self.pump.start:
            base += int(
                self.pump.extra_volume * min(1.0, (t - self.pump.start) / (self.pump.rise_min * MS_MIN * 1.5))
            )
        return max(1, base)

    def trading(self, t: int) -> bool:
        return self.open_ms <= t <= self.close_ms

    def quote(self, t: int) -> tuple[float, float, float]:
        last = self.at(t)
        half = max(SPREAD[self.inst.tier] / 2 * last, 0.0005 if not self.inst.domestic else 0.5)
        return last, tick(self.inst, last - half), tick(self.inst, last + half)


@dataclass
class Market:
    rng: random.Random
    instruments: list[Instrument]
    level: dict[str, float] = field(default_factory=dict)
    fx: dict[str, float] = field(default_factory=dict)
    today: dict[str, DayPath] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.level = {i.symbol: tick(i, i.price) for i in self.instruments}
        self.fx = {"USD": 149.3, "HKD": 19.2, "CNY": 20.6}
        self.by_symbol = {i.symbol: i for i in self.instruments}

    def open_day(self, day: date, pumps: dict[str, Pump]) -> dict[str, DayPath]:
        """Draw every open market's path for `day`; `pumps` bend the named symbols."""
        self.today = {}
        drift = self.rng.gauss(0, 0.006)  # the whole market's mood today
        for inst in self.instruments:
            segs = sessions(inst.market, day)
            if not segs:
                continue
            times = []
            for a, b in segs:
                t, end = ms(day, a), ms(day, b)
                while t < end:
                    times.append(t)
                    t += STEP_MIN * MS_MIN
                times.append(end)
            prev = self.level[inst.symbol]
            beta = 1.0 if inst.tier != "thin" else 0.3
            sigma = inst.vol / math.sqrt(len(times))
            p = prev * math.exp(self.rng.gauss(0, inst.vol * 0.4) + beta * drift * 0.5)
            prices = []
            for _ in times:
                p *= math.exp(self.rng.gauss(beta * drift / len(times), sigma))
                prices.append(p)
            volume = max(100, int(inst.adv * self.rng.lognormvariate(0, 0.35)))
            pump = pumps.get(inst.symbol)
            if pump:
                prices = self._bend(inst, times, prices, prev, pump)
                volume += pump.extra_volume
            if inst.domestic:  # the daily price limit holds
                w = limit_width(prev)
                prices = [min(prev + w, max(prev - w, x)) for x in prices]
            prices = [tick(inst, x) for x in prices]
            path = DayPath(inst, day, times, prices, prev, volume, pump)
            self.today[inst.symbol] = path
            self.level[inst.symbol] = prices[-1] * (0.86 if pump else 1.0)  # the day after a pump: the dump
        for cur in self.fx:
            self.fx[cur] *= math.exp(self.rng.gauss(0, 0.004))
        return self.today

    def _bend(
        self, inst: Instrument, times: list[int], prices: list[float], prev: float, pump: Pump
    ) -> list[float]:
        top = pump.start + pump.rise_min * MS_MIN
        cap = prev + limit_width(prev) if inst.domestic else prev * 10
        out = []
        for t, x in zip(times, prices, strict=True):
            if t <= pump.start:
                m = 1.0
            elif t <= top:
                m = 1 + (pump.peak - 1) * ((t - pump.start) / (top - pump.start)) ** 0.8
            else:  # the crew has sold; the price sags towards the close
                m = 1 + (pump.peak - 1) * max(0.15, math.exp(-(t - top) / (90 * MS_MIN)))
            out.append(min(cap, x * m))
        return out

    def fill(
        self, path: DayPath, side: str, qty: float, limit: float | None, t: int
    ) -> list[tuple[int, float, float]]:
        """Fills `(time, qty, price)` of an order placed at `t`; empty when a limit never trades today."""
        start = max(t, path.open_ms)
        if start > path.close_ms:
            return []
        _, bid, ask = path.quote(start)
        when = start
        price = ask if side == "buy" else bid
        if limit is not None and ((side == "buy" and limit < ask) or (side == "sell" and limit > bid)):
            i = bisect_right(path.times, start)
            for j in range(i, len(path.times)):
                x = path.prices[j]
                if (side == "buy" and x <= limit) or (side == "sell" and x >= limit):
                    when, price = path.times[j], limit
                    break
            else:
                return []
        elif limit is not None and path.pump and side == "buy" and path.pump.start <= start:
            # a high-limit buy into a pump sweeps the crew's offers: it pays up towards its limit
            price = min(limit, tick(path.inst, ask * (1 + self.rng.uniform(0.0, 0.04))))
        parts = 1 if qty * 50 < path.inst.adv or qty <= path.inst.lot_size else self.rng.randint(2, 4)
        lot = path.inst.lot_size
        out, left, k = [], qty, 0
        while left > 0:
            k += 1
            piece = left if k == parts else max(lot, round(qty / parts / lot) * lot)
            piece = min(piece, left)
            delay = self.rng.randint(200, 2500) + (k - 1) * self.rng.randint(3_000, 120_000)
            out.append((when + delay, piece, price))
            left -= piece
        return out
