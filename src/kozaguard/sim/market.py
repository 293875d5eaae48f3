"""Prices and volumes: one minute-by-minute path per symbol per trading day, bars, quotes and fx.

Log prices follow a random walk with an overnight gap; minute volumes follow the intraday U shape.
A `Move` overlays buying pressure on one symbol: the price climbs while many accounts buy (the pump
in domain.md: ¥84 → ¥110 in two hours at ~300× normal volume), then falls back, over the rest of the
day and the next. The same overlay serves news-driven moves of small caps that customers chase.
Everything is drawn from numpy generators seeded by (seed, day): the same seed gives the same market.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from datetime import date

import numpy as np

from kozaguard.sim.calendar import midnight_ms, session_minutes
from kozaguard.sim.instruments import InstrumentInfo, round_to_tick, tick_size

MARKETS = ("TSE", "HKEX", "CN", "US")
FX_PAIRS = {"USD": "USDJPY", "HKD": "HKDJPY", "CNY": "CNYJPY"}
_FX_START = {"USD": 147.0, "HKD": 18.9, "CNY": 20.2}
_SPREAD_TICKS = {"mega": 1, "large": 1, "mid": 2, "small": 3, "thin": 5}


def market_group(market: str) -> str:
    """The session group of an instrument's market: TSE, HKEX, CN (SSE/SZSE) or US."""
    if market.startswith("TSE"):
        return "TSE"
    if market in ("SSE", "SZSE"):
        return "CN"
    if market in ("NYSE", "NASDAQ"):
        return "US"
    return market


_GROUP_MARKET = {"TSE": "TSE-PRIME", "HKEX": "HKEX", "CN": "SSE", "US": "NASDAQ"}


@dataclass(frozen=True, slots=True)
class Move:
    """Buying pressure on one symbol: from `start` (minute index of the day's grid) the price climbs
    to `peak` (e.g. 0.31 for +31%) over `ramp` minutes at `volume_x` times normal volume, then decays
    to `residual` of the rise by the close (the rest fades the next day)."""

    symbol: str
    start: int
    ramp: int
    peak: float
    volume_x: float
    residual: float = 0.3


@dataclass(slots=True)
class Quote:
    last: float
    bid: float
    ask: float
    prev_close: float
    volume_today: int


@dataclass(slots=True)
class Bar:
    open: float
    high: float
    low: float
    close: float
    volume: int


class _GroupDay:
    """The paths of one session group (e.g. every TSE symbol) on one trading day."""

    def __init__(self, minutes: list[int], symbols: list[str], base_ms: int) -> None:
        self.minutes = minutes
        self.minute_ms = [base_ms + m * 60_000 for m in minutes]
        self.symbols = symbols
        self.row = {s: i for i, s in enumerate(symbols)}
        self.price: np.ndarray = np.empty((len(symbols), len(minutes)))
        self.cum_volume: np.ndarray = np.empty((len(symbols), len(minutes)), dtype=np.int64)

    @property
    def open_ms(self) -> int:
        return self.minute_ms[0]

    @property
    def close_ms(self) -> int:
        return self.minute_ms[-1] + 60_000

    def index_at(self, ms: int) -> int | None:
        """The grid minute in force at `ms`, or None outside the sessions (including the lunch break)."""
        i = bisect.bisect_right(self.minute_ms, ms) - 1
        if i < 0 or ms >= self.minute_ms[i] + 60_000:
            return None
        return i

    def next_index(self, ms: int) -> int | None:
        """The first grid minute at or after `ms` (an order placed in the lunch break waits for it)."""
        i = bisect.bisect_left(self.minute_ms, ms - 59_999)
        if i < len(self.minute_ms) and self.minute_ms[i] <= ms < self.minute_ms[i] + 60_000:
            return i
        i = bisect.bisect_left(self.minute_ms, ms)
        return i if i < len(self.minute_ms) else None


class MarketState:
    """The market across days: last closes, lingering pump effects and fx rates."""

    def __init__(self, universe: dict[str, InstrumentInfo], seed: int) -> None:
        self.universe = universe
        self.seed = seed
        self.by_group: dict[str, list[str]] = {g: [] for g in MARKETS}
        for info in universe.values():
            self.by_group[market_group(info.market)].append(info.symbol)
        self.close = {s: info.price for s, info in universe.items()}
        self.residual: dict[str, float] = {}  # log-price overlay still to fade, by symbol
        self.fx = dict(_FX_START)

    def open_day(self, index: int, day: date, moves: list[Move]) -> MarketDay:
        """Draw the day's paths for every symbol, applying `moves` and yesterday's fading overlays."""
        rng = np.random.default_rng([self.seed, index, 7])
        base_ms = midnight_ms(day)
        groups: dict[str, _GroupDay] = {}
        move_by_symbol = {m.symbol: m for m in moves}
        for group in MARKETS:
            symbols = self.by_group[group]
            gd = _GroupDay(session_minutes(_GROUP_MARKET[group], day), symbols, base_ms)
            n, t = len(symbols), len(gd.minutes)
            infos = [self.universe[s] for s in symbols]
            sigma = np.array([i.volatility for i in infos])
            prev = np.array([self.close[s] for s in symbols])
            gap = rng.normal(0.0, 0.35, n) * sigma
            steps = rng.normal(0.0, 1.0, (n, t)) * (sigma / math.sqrt(t))[:, None]
            steps[:, 0] = gap
            logp = np.log(prev)[:, None] + np.cumsum(steps, axis=1)
            # U-shaped intraday volume with lognormal noise per minute.
            x = np.linspace(-1.0, 1.0, t)
            shape = 1.0 + 2.2 * x**2
            shape /= shape.sum()
            daily = np.array([i.daily_volume for i in infos], dtype=float)
            vol = daily[:, None] * shape[None, :] * rng.lognormal(-0.32, 0.8, (n, t))
            for s, left in list(self.residual.items()):
                r = gd.row.get(s)
                if r is None:
                    continue
                fade = left * np.exp(-np.arange(t) / (t / 3.0)) - 0.08 * abs(left) * np.linspace(0, 1, t)
                logp[r] += fade - left  # yesterday's close already includes `left`
                del self.residual[s]
            for s, m in move_by_symbol.items():
                r = gd.row.get(s)
                if r is None:
                    continue
                overlay, vx = _move_overlay(m, t, rng)
                logp[r] += overlay
                vol[r] *= vx
                self.residual[s] = float(overlay[-1])
            gd.price = np.exp(logp)
            gd.cum_volume = np.cumsum(np.round(vol).astype(np.int64), axis=1)
            groups[group] = gd
        fx = {}
        for cur in sorted(self.fx):
            path = self.fx[cur] * np.exp(np.cumsum(rng.normal(0.0, 0.006 / math.sqrt(24), 24)))
            fx[cur] = [round(float(v), 4 if cur != "USD" else 3) for v in path]
            self.fx[cur] = float(path[-1])
        day_market = MarketDay(self, day, base_ms, groups, fx, dict(self.close))
        for gd in groups.values():
            for s in gd.symbols:
                self.close[s] = day_market.bar(s).close
        return day_market


def _move_overlay(m: Move, t: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Log-price overlay and volume multiplier of a `Move` over a `t`-minute day."""
    k = np.arange(t, dtype=float)
    top = math.log1p(m.peak)
    x = np.clip((k - m.start) / max(m.ramp, 1), 0.0, 1.0)
    rise = top * (x * x * (3 - 2 * x))  # smooth climb while buyers arrive
    after = np.clip(k - m.start - m.ramp, 0.0, None)
    tau = max(20.0, m.ramp * 0.6)
    settle = top * (m.residual + (1 - m.residual) * np.exp(-after / tau))
    overlay = np.where(k < m.start + m.ramp, rise, settle)
    overlay += np.where(k >= m.start, rng.normal(0.0, abs(top) * 0.04, t), 0.0)
    vx = np.ones(t)
    active = (k >= m.start) & (k < m.start + m.ramp)
    vx[active] = m.volume_x * rng.uniform(0.5, 1.5, int(active.sum()))
    tail = k >= m.start + m.ramp
    vx[tail] = 1.0 + (m.volume_x * 0.3) * np.exp(-after[tail] / tau)
    return overlay, vx


class MarketDay:
    """Prices of one trading day, looked up by symbol and epoch milliseconds."""

    def __init__(
        self,
        state: MarketState,
        day: date,
        base_ms: int,
        groups: dict[str, _GroupDay],
        fx: dict[str, list[float]],
        prev_close: dict[str, float],
    ) -> None:
        self.state, self.day, self.base_ms = state, day, base_ms
        self.groups = groups
        self.fx_path = fx
        self.prev_close = prev_close
        self._group_of = {s: market_group(i.market) for s, i in state.universe.items()}

    def group(self, symbol: str) -> _GroupDay:
        return self.groups[self._group_of[symbol]]

    def fx_times(self) -> list[int]:
        """When fx rates are published: hourly from 07:00 JST for 24 hours."""
        return [self.base_ms + (7 + h) * 3_600_000 for h in range(24)]

    def fx_rate(self, currency: str, ms: int) -> float:
        """Yen per unit of `currency` at `ms` (the latest published rate; 1 for JPY)."""
        if currency == "JPY":
            return 1.0
        h = min(23, max(0, (ms - self.base_ms) // 3_600_000 - 7))
        return self.fx_path[currency][h]

    def is_open(self, symbol: str, ms: int) -> bool:
        return self.group(symbol).index_at(ms) is not None

    def _price(self, symbol: str, i: int) -> float:
        gd = self.group(symbol)
        return round_to_tick(self.state.universe[symbol].market, float(gd.price[gd.row[symbol], i]))

    def last(self, symbol: str, ms: int) -> float:
        """The last trade price at `ms` (yesterday's close before the open, the close after it)."""
        gd = self.group(symbol)
        i = bisect.bisect_right(gd.minute_ms, ms) - 1
        return self._price(symbol, i) if i >= 0 else self.prev_close[symbol]

    def quote(self, symbol: str, ms: int, spread_draw: float = 0.5) -> Quote:
        """The quote in force at `ms`; `spread_draw` in [0, 1) places the last trade in the spread."""
        info = self.state.universe[symbol]
        gd = self.group(symbol)
        i = bisect.bisect_right(gd.minute_ms, ms) - 1
        last = self._price(symbol, i) if i >= 0 else self.prev_close[symbol]
        tick = tick_size(info.market, last)
        spread = _SPREAD_TICKS[info.tier]
        below = int(spread_draw * (spread + 1))
        bid = round(max(tick, last - below * tick), 3)
        ask = round(bid + spread * tick, 3)
        volume = int(gd.cum_volume[gd.row[symbol], i]) if i >= 0 else 0
        return Quote(last, bid, ask, self.prev_close[symbol], volume)

    def bar(self, symbol: str) -> Bar:
        """The day's OHLCV, from the same minute path the quotes and fills use."""
        info = self.state.universe[symbol]
        gd = self.group(symbol)
        row = gd.price[gd.row[symbol]]
        m = info.market
        return Bar(
            round_to_tick(m, float(row[0])),
            round_to_tick(m, float(row.max())),
            round_to_tick(m, float(row.min())),
            round_to_tick(m, float(row[-1])),
            int(gd.cum_volume[gd.row[symbol], -1]),
        )

    def minute_volume_x(self, symbol: str, i: int) -> float:
        """How many times its normal minute volume `symbol` traded in grid minute `i` (spike detector)."""
        gd = self.group(symbol)
        r = gd.row[symbol]
        v = gd.cum_volume[r, i] - (gd.cum_volume[r, i - 1] if i else 0)
        normal = self.state.universe[symbol].daily_volume / len(gd.minutes)
        return float(v) / max(normal, 1.0)
