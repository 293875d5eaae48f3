"""The whole simulation, day by day, as one time-ordered stream of drafts (no file I/O here).

Each trading day owns a window from 06:30 JST to 06:30 on the next trading day, so closed days
(weekends, holidays) and the New York session that ends after midnight belong to the trading day
before them. Within a window everything is generated, sorted by time and handed on; drafts that
fall later (next-day fills, reports days later) wait in the sink for their own window.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from kozaguard.sim.attackers import OWN_CAPABILITY, Attackers
from kozaguard.sim.calendar import midnight_ms, trading_days
from kozaguard.sim.campaigns import Campaign, Planner
from kozaguard.sim.config import SimConfig
from kozaguard.sim.customers import Customers
from kozaguard.sim.devices import UserAgents
from kozaguard.sim.drafts import Draft, Sink, randint
from kozaguard.sim.hard_cases import HardCases
from kozaguard.sim.instruments import load_universe
from kozaguard.sim.market import MarketDay, MarketState, Move
from kozaguard.sim.networks import Networks
from kozaguard.sim.oms import OrderDesk

_HOUR = 3_600_000
#: Minutes between routine quotes of a watched symbol, by liquidity tier.
QUOTE_EVERY = {"mega": 15, "large": 30, "mid": 60, "small": 90, "thin": 120}
SPIKE_X = 20.0  # a minute at this many times normal volume gets its own quote


@dataclass
class Simulation:
    """Builds the world from a config and yields it as sorted drafts, one trading day at a time."""

    cfg: SimConfig
    days: list[date] = field(init=False)
    campaigns: list[Campaign] = field(init=False)

    def __post_init__(self) -> None:
        cfg = self.cfg
        self.days = trading_days(cfg.start, cfg.days)
        self.next_day = trading_days(self.days[-1] + timedelta(days=1), 1)[0]
        self.universe = load_universe(cfg.seed)
        self.nets = Networks()
        self.uas = UserAgents()
        self.sink = Sink()
        self.desk = OrderDesk(self.sink, self.universe)
        self.market = MarketState(self.universe, cfg.seed)
        self.customers = Customers(cfg, self.universe, self.nets, self.uas, self.sink, self.desk)
        self.attackers = Attackers(cfg, self.sink, self.desk, self.customers)
        self.hard = HardCases(self.customers)
        self.starts = [midnight_ms(d) + int(6.5 * _HOUR) for d in self.days]
        self.ends = [*self.starts[1:], midnight_ms(self.next_day) + int(6.5 * _HOUR)]
        self.from_ms = self.starts[cfg.warmup_days]
        self.campaigns = []
        self.phished = []
        self.last_watch: set[str] = set()

    # setup ----------------------------------------------------------------------------------
    def _open(self) -> None:
        cfg, rng = self.cfg, random.Random(f"{self.cfg.seed}/open")
        t0 = self.starts[0] - 30 * 60_000
        for info in self.universe.values():
            self.sink.emit(
                t0,
                "instrument",
                {
                    "symbol": info.symbol,
                    "name": info.name,
                    "market": info.market,
                    "currency": info.currency,
                    "lot_size": info.lot_size,
                },
            )
        accounts = self.customers.open_accounts(rng, t0 + 1000, cfg.customers)
        n_own = max(1, cfg.crews)
        own = rng.sample(accounts, n_own)
        planner = Planner(cfg, self.universe, self.nets, self.uas)
        crews = planner.crews(rng, own)
        others = [a for a in accounts if not a.own_of_campaign]
        self.phished = rng.sample(others, max(1, int(cfg.phished_fraction * len(others))))
        self.campaigns = planner.plan(rng, self.days, crews, self.phished, others)
        self.attackers.phishing_reports(rng, self.phished, (self.starts[0] + _HOUR, self.ends[-1] - _HOUR))

    # days -----------------------------------------------------------------------------------
    def drafts(self) -> Iterator[list[Draft]]:
        """Yield each trading day's window of drafts, sorted by time."""
        self._open()
        for i, day in enumerate(self.days):
            self._day(i, day)
            yield self.sink.take_until(self.ends[i])
        self.sink.drafts.clear()  # anything later lies beyond the stream

    def _day(self, i: int, day: date) -> None:
        cfg = self.cfg
        rng = random.Random(f"{cfg.seed}/day/{i}")
        self.sink.floor = self.starts[i]
        todays = [c for c in self.campaigns if c.day_index == i]
        moves = [c.move() for c in todays] + self._news_movers(rng, day)
        mday = self.market.open_day(i, day, moves)
        self.customers.movers = [
            m.symbol for m in moves if m.peak > 0 and m not in [c.move() for c in todays]
        ]
        self.desk.open_day(rng, mday)
        for h, ms in enumerate(mday.fx_times()):
            for cur, pair in (("USD", "USDJPY"), ("HKD", "HKDJPY"), ("CNY", "CNYJPY")):
                self.sink.emit(ms, "fx.rate", {"pair": pair, "rate": mday.fx_path[cur][h]})
        midnights = []
        d = day
        while d < self.next_day and (i + 1 >= len(self.days) or d < self.days[i + 1]):
            midnights.append(midnight_ms(d))
            d += timedelta(days=1)
        busy: set[str] = set()
        for camp in todays:
            busy.update(v.account.account_id for v in camp.victims)
            self.attackers.prepare_day(rng, camp, mday, self.starts[i])
            self.attackers.run(rng, camp, mday, self.starts[i])
        if i >= cfg.warmup_days and cfg.hard_cases_per_day > 0:
            per_case = max(1, round(cfg.hard_cases_per_day * cfg.customers / 3000))
            if rng.random() < cfg.hard_cases_per_day or per_case > 1:
                targets = [c.target for c in todays]
                busy |= self.hard.run_day(rng, i, mday, midnights[0], per_case, targets)
        self.customers.run_day(rng, i, mday, midnights, busy)
        self._quotes_and_bars(rng, mday, [c.target for c in todays])

    def _news_movers(self, rng: random.Random, day: date) -> list[Move]:
        """Small caps that move on news (up or down) with heavy volume: speculators chase them."""
        pool = self.customers.pools.thin + self.customers.pools.small
        moves = []
        for symbol in rng.sample(pool, min(len(pool), self.cfg.news_movers_per_day)):
            peak = rng.uniform(0.08, 0.3) * (1 if rng.random() < 0.75 else -0.6)
            moves.append(
                Move(symbol, randint(rng, 0, 200), randint(rng, 20, 120), peak, rng.uniform(10, 60), 0.6)
            )
        return moves

    def _quotes_and_bars(self, rng: random.Random, mday: MarketDay, targets: list[str]) -> None:
        held = {s for a in self.customers.accounts for s in a.positions}
        sample = rng.sample(sorted(self.universe), min(self.cfg.quote_sample, len(self.universe)))
        watch = (
            held
            | set(sample)
            | set(targets)
            | set(self.customers.movers)
            | self.desk.traded
            | self.last_watch
        )
        self.last_watch = set(self.desk.traded)
        for gd in mday.groups.values():
            rows = [s for s in gd.symbols if s in watch]
            n = len(gd.minutes)
            for s in rows:
                every = QUOTE_EVERY[self.universe[s].tier]
                for k in range(rng.randrange(every), n, every):
                    self.desk.quote(rng, s, gd.minute_ms[k] + randint(rng, 0, 59_000))
            if rows:
                idx = np.array([gd.row[s] for s in rows])
                vol = np.diff(gd.cum_volume[idx], axis=1, prepend=0)
                normal = np.array([self.universe[s].daily_volume / n for s in rows])[:, None]
                spikes = np.argwhere(vol > SPIKE_X * np.maximum(normal, 1.0))
                last_spike: dict[int, int] = {}
                for r, k in spikes.tolist():
                    if k - last_spike.get(r, -9) >= 2:
                        last_spike[r] = k
                        self.desk.quote(rng, rows[r], gd.minute_ms[k] + randint(rng, 0, 59_000))
            close_ms = gd.close_ms + 5 * 60_000
            for s in gd.symbols:
                b = mday.bar(s)
                self.sink.emit(
                    close_ms,
                    "market.bar",
                    {
                        "symbol": s,
                        "date": mday.day.isoformat(),
                        "open": b.open,
                        "high": b.high,
                        "low": b.low,
                        "close": b.close,
                        "volume": b.volume,
                    },
                )

    # summary --------------------------------------------------------------------------------
    def plan_summary(self) -> list[dict]:
        out = []
        for c in self.campaigns:
            info = self.universe[c.target]
            out.append(
                {
                    "campaign_id": c.campaign_id,
                    "crew": c.crew.crew_id,
                    "date": self.days[c.day_index].isoformat(),
                    "target": c.target,
                    "target_market": info.market,
                    "pump_peak": round(c.peak, 3),
                    "own_account": {
                        "account_id": c.own.account_id,
                        "attack_id": c.own_attack_id,
                        "capability": OWN_CAPABILITY,
                    },
                    "victims": [
                        {
                            "account_id": v.account.account_id,
                            "attack_id": v.attack_id,
                            "capability": v.capability,
                            "email_first": v.email_first,
                            "withdrawal": v.withdraw,
                        }
                        for v in c.victims
                    ],
                }
            )
        return out
