"""The market: an invented symbol list, price paths with pump episodes, fills, fees, market data.

Each symbol has one open/close per trading date of its own exchange; inside a session the price
moves from open to close with a deterministic wiggle, times any pump multiplier in force.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import clock

SYL = [
    "a",
    "ka",
    "sa",
    "ta",
    "na",
    "ha",
    "ma",
    "ya",
    "ra",
    "wa",
    "ki",
    "shi",
    "chi",
    "mi",
    "ri",
    "ku",
    "su",
    "tsu",
    "mu",
    "ru",
    "ke",
    "se",
    "te",
    "me",
    "re",
    "ko",
    "so",
    "to",
    "no",
    "mo",
    "ro",
    "yo",
]
JP_TAIL = [
    "Denki",
    "Kogyo",
    "Shoji",
    "Seiki",
    "Kasei",
    "Foods",
    "Holdings",
    "Tech",
    "Pharma",
    "Kensetsu",
    "Logistics",
    "Gakken",
    "Robotics",
    "Energy",
    "Bio",
    "Systems",
]
HK_HEAD = ["Grand", "Sino", "Pearl", "Harbour", "Jade", "Golden", "Eastern", "Lucky", "Orient", "Dragon"]
HK_TAIL = ["Holdings", "Group", "Resources", "Technology", "Pharma", "Properties", "Energy", "Health"]
CN_HEAD = ["Huaxin", "Jinlong", "Tianrui", "Zhongke", "Minsheng", "Xinhai", "Dongfang", "Changjiang"]
CN_TAIL = ["Electronics", "Materials", "Pharmaceutical", "Machinery", "Chemical", "New Energy"]
US_TAIL = ["Therapeutics", "Systems", "Labs", "Holdings", "Networks", "Motors", "Biosciences"]

CCY = {"JP": "JPY", "HK": "HKD", "CN": "CNY", "US": "USD"}
FX0 = {"USD": 143.2, "HKD": 18.41, "CNY": 19.68}


@dataclass
class Pump:
    start: int
    peak_at: int
    peak: float  # multiplier at the peak
    floor: float  # where it settles
    tau: int  # decay time constant (ms)

    def factor(self, ms: int) -> float:
        if ms <= self.start:
            return 1.0
        if ms <= self.peak_at:
            return 1.0 + (self.peak - 1.0) * (ms - self.start) / (self.peak_at - self.start)
        k = math.exp(-(ms - self.peak_at) / self.tau)
        return self.floor + (self.peak - self.floor) * k


@dataclass
class Sym:
    symbol: str
    name: str
    market: str
    region: str
    currency: str
    lot: int
    tier: str  # deep | mid | thin
    base: float
    adv: int  # average daily volume (shares)
    spread: float  # relative
    has_bars: bool = True
    quote_rate: float = 1.0  # quotes per open hour
    opens: dict[date, float] = field(default_factory=dict)
    closes: dict[date, float] = field(default_factory=dict)
    phase: float = 0.0
    pumps: list[Pump] = field(default_factory=list)

    @property
    def foreign(self) -> bool:
        return self.region != "JP"


def tick(px: float, region: str) -> float:
    if region == "JP":
        t = 1 if px <= 3000 else 5 if px <= 5000 else 10
        return float(max(t, round(px / t) * t))
    if region == "HK":
        t = 0.001 if px < 0.25 else 0.005 if px < 0.5 else 0.01 if px < 10 else 0.02 if px < 20 else 0.05
        return round(max(t, round(px / t) * t), 3)
    return round(max(0.01, px), 2)


class Tape:
    def __init__(self, rng: random.Random, days: list[date], end_ms: int, knobs) -> None:
        self.rng = rng
        self.days = days  # calendar dates covered
        self.end_ms = end_ms
        self.knobs = knobs
        self.syms: list[Sym] = []
        self.by: dict[str, Sym] = {}
        self.fx: dict[str, list[tuple[int, float]]] = {}
        self._make_symbols()
        self._make_paths()
        self._make_fx()

    # -- reference data ----------------------------------------------------------------------
    def _jp_name(self) -> str:
        r = self.rng
        return (r.choice(SYL) + r.choice(SYL) + r.choice(SYL)).capitalize() + " " + r.choice(JP_TAIL)

    def _make_symbols(self) -> None:
        r = self.rng
        used: set[str] = set()

        def code(fn):
            while True:
                c = fn()
                if c not in used:
                    used.add(c)
                    return c

        def add(sym, name, market, lot, tier, base, adv, spread):
            region = clock.REGION[market]
            s = Sym(sym, name, market, region, CCY[region], lot, tier, base, adv, spread)
            s.phase = r.random() * 6.28
            self.syms.append(s)

        for _ in range(24):
            add(
                code(lambda: str(r.randint(1301, 9997))),
                self._jp_name(),
                "TSE-PRIME",
                100,
                "deep",
                r.uniform(700, 9000),
                r.randint(400_000, 9_000_000),
                r.uniform(0.0004, 0.001),
            )
        for _ in range(18):
            tier = r.choice(["mid", "thin", "thin"])
            add(
                code(lambda: str(r.randint(1301, 9997))),
                self._jp_name(),
                "TSE-STANDARD",
                100,
                tier,
                r.uniform(60, 1400),
                r.randint(8_000, 120_000) if tier == "thin" else r.randint(150_000, 900_000),
                r.uniform(0.004, 0.015) if tier == "thin" else r.uniform(0.0015, 0.004),
            )
        for i in range(12):
            c = (
                code(lambda: f"{r.randint(13, 59)}{r.randint(0, 9)}A")
                if i < 4
                else code(lambda: str(r.randint(2000, 9997)))
            )
            tier = r.choice(["mid", "thin"])
            add(
                c,
                self._jp_name(),
                "TSE-GROWTH",
                100,
                tier,
                r.uniform(180, 3200),
                r.randint(20_000, 300_000) if tier == "thin" else r.randint(300_000, 2_000_000),
                r.uniform(0.003, 0.012) if tier == "thin" else r.uniform(0.001, 0.003),
            )
        for _ in range(9):
            tier = r.choice(["deep", "mid", "thin", "thin"])
            add(
                code(lambda: f"0{r.randint(100, 999)}"),
                f"{r.choice(HK_HEAD)} {r.choice(HK_TAIL)}",
                "HKEX",
                r.choice([500, 1000, 2000, 4000]),
                tier,
                r.uniform(0.3, 45),
                r.randint(2_000_000, 30_000_000) if tier != "thin" else r.randint(200_000, 1_500_000),
                r.uniform(0.002, 0.02),
            )
        for _ in range(6):
            tier = r.choice(["mid", "thin"])
            add(
                code(lambda: f"00{r.randint(0, 3)}{r.randint(0, 999):03d}"),
                f"{r.choice(CN_HEAD)} {r.choice(CN_TAIL)}",
                "SZSE",
                100,
                tier,
                r.uniform(3, 40),
                r.randint(500_000, 6_000_000),
                r.uniform(0.001, 0.006),
            )
        for _ in range(3):
            add(
                code(lambda: f"60{r.randint(0, 3)}{r.randint(0, 999):03d}"),
                f"{r.choice(CN_HEAD)} {r.choice(CN_TAIL)}",
                "SSE",
                100,
                "mid",
                r.uniform(4, 60),
                r.randint(1_000_000, 9_000_000),
                r.uniform(0.001, 0.003),
            )
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for _ in range(7):
            c = code(lambda: "".join(r.choice(letters) for _ in range(r.choice([3, 4]))))
            mkt = r.choice(["NASDAQ", "NASDAQ", "NYSE"])
            tier = r.choice(["deep", "mid", "thin"])
            add(
                c,
                f"{c.title()} {r.choice(US_TAIL)}",
                mkt,
                1,
                tier,
                r.uniform(4, 320),
                r.randint(200_000, 20_000_000),
                r.uniform(0.0005, 0.008),
            )
        for s in self.syms:
            s.base = tick(s.base, s.region)
            s.has_bars = self.knobs.bar_share > 0 and r.random() < self.knobs.bar_share
            base_rate = {"deep": 5.0, "mid": 1.6, "thin": 0.45}[s.tier]
            s.quote_rate = base_rate * self.knobs.quote_mult if r.random() < self.knobs.quote_share else 0.0
        self.by = {s.symbol: s for s in self.syms}

    def _make_paths(self) -> None:
        r = self.rng
        for s in self.syms:
            px = s.base
            vol = {"deep": 0.014, "mid": 0.022, "thin": 0.035}[s.tier]
            for d in self.days:
                if clock.is_trading(d, s.region):
                    o = px * math.exp(r.gauss(0, vol * 0.3))
                    c = o * math.exp(r.gauss(0, vol))
                    s.opens[d], s.closes[d] = o, c
                    px = c

    def _make_fx(self) -> None:
        r = self.rng
        for ccy, v in FX0.items():
            pts = []
            for d in self.days:
                v *= math.exp(r.gauss(0, 0.004))
                pts.append((clock.midnight(d), v))
            self.fx[ccy] = pts

    def fx_at(self, ccy: str, ms: int) -> float:
        if ccy == "JPY":
            return 1.0
        val = self.fx[ccy][0][1]
        for t, v in self.fx[ccy]:
            if t > ms:
                break
            val = v
        return val

    # -- prices ---------------------------------------------------------------------------------
    def trade_date(self, s: Sym, ms: int) -> date:
        shift = 6 * clock.HOUR if s.region == "US" else 0
        return datetime.fromtimestamp((ms - shift) / 1000, clock.JST).date()

    def _base_at(self, s: Sym, ms: int) -> float:
        d = self.trade_date(s, ms)
        probe = d
        for _ in range(12):
            if probe in s.closes:
                break
            probe -= timedelta(days=1)
        else:
            return s.base
        if probe != d:
            return s.closes[probe]
        sess = clock.sessions_on(d, s.region)
        a, b = sess[0][0], sess[-1][1]
        f = min(1.0, max(0.0, (ms - a) / (b - a)))
        o, c = s.opens[d], s.closes[d]
        wig = 0.004 * math.sin(ms / 1_700_000 + s.phase) * math.sin(f * math.pi)
        return (o + (c - o) * f) * (1 + wig)

    def mult(self, s: Sym, ms: int) -> float:
        m = 1.0
        for p in s.pumps:
            m *= p.factor(ms)
        return m

    def price(self, s: Sym, ms: int) -> float:
        return tick(self._base_at(s, ms) * self.mult(s, ms), s.region)

    def book(self, s: Sym, ms: int) -> tuple[float, float, float]:
        last = self.price(s, ms)
        half = last * s.spread / 2
        return last, tick(last - half, s.region), tick(max(last + half, last * 1.0005), s.region)

    def prev_close(self, s: Sym, ms: int) -> float:
        d = self.trade_date(s, ms) - timedelta(days=1)
        for _ in range(12):
            if d in s.closes:
                sess = clock.sessions_on(d, s.region)
                return self.price(s, sess[-1][1] - 1)
            d -= timedelta(days=1)
        return s.base

    # -- orders -----------------------------------------------------------------------------------
    def fills(
        self, rng: random.Random, s: Sym, ms: int, side: str, qty: int, kind: str, limit: float | None
    ) -> list[tuple[int, int, float]]:
        """[(ms, qty, price)] for an order placed at `ms`; empty when it never fills in the stream."""
        t = clock.next_open(ms, s.region)
        if t is None or t >= self.end_ms:
            return []
        t += rng.randint(40, 1800) if t == ms else rng.randint(1_000, 120_000)
        _, bid, ask = self.book(s, t)
        touch = ask if side == "buy" else bid
        if kind == "limit":
            crosses = limit >= ask if side == "buy" else limit <= bid
            if not crosses:
                if rng.random() < 0.45:
                    t2 = t + int(rng.expovariate(1 / (50 * clock.MIN)))
                    if t2 < self.end_ms and clock.open_at(t2, s.region):
                        return [(t2, qty, limit)]
                return []
        parts = 1
        if s.tier == "thin" and qty > 4 * s.lot:
            parts = rng.randint(2, 4)
        elif qty > 20 * s.lot and rng.random() < 0.3:
            parts = 2
        out, left = [], qty
        for i in range(parts):
            q = left if i == parts - 1 else max(s.lot, (qty // parts) // s.lot * s.lot)
            q = min(q, left)
            if q <= 0:
                break
            px = touch
            if i:
                step = s.spread * (0.4 + i * 0.3)
                px = tick(touch * (1 + step) if side == "buy" else touch * (1 - step), s.region)
                if kind == "limit":
                    px = min(px, limit) if side == "buy" else max(px, limit)
            out.append((t, q, px))
            left -= q
            t += rng.randint(200, 25_000)
        return out

    def fee(self, plan: str, s: Sym, notional_ccy: float, ms: int) -> int:
        fx = self.fx_at(s.currency, ms)
        if s.region == "JP":
            if plan == "zero":
                return 0
            n = notional_ccy
            for cap, f in (
                (50_000, 55),
                (100_000, 99),
                (200_000, 115),
                (500_000, 275),
                (1_000_000, 535),
                (1_500_000, 640),
                (30_000_000, 1013),
            ):
                if n <= cap:
                    return f
            return 1070
        if s.region == "US":
            return round(min(notional_ccy * 0.00495, 22.0) * fx)
        if s.region == "HK":
            return round(max(notional_ccy * 0.00275, 45.0) * fx)
        return round(max(notional_ccy * 0.00275, 50.0) * fx)

    # -- market data events -----------------------------------------------------------------------
    def emit_reference(self, out, t0: int) -> None:
        for i, s in enumerate(self.syms):
            out.add(
                t0 + i,
                {
                    "type": "instrument",
                    "symbol": s.symbol,
                    "name": s.name,
                    "market": s.market,
                    "currency": s.currency,
                    "lot_size": s.lot,
                },
                style=2,
            )
        for j, ccy in enumerate(sorted(FX0)):
            out.add(
                t0 + 500 + j, {"type": "fx.rate", "pair": f"{ccy}JPY", "rate": round(FX0[ccy], 3)}, style=2
            )

    def emit_market(self, out, start_ms: int, last_tokyo: date) -> None:
        r = self.rng
        k = self.knobs
        for d in self.days:
            for ccy in sorted(FX0):
                if d.weekday() >= 5:
                    continue
                for _ in range(k.fx_per_day):
                    t = clock.midnight(d) + r.randint(0, clock.DAY - 1)
                    if start_ms < t < self.end_ms:
                        out.add(
                            t,
                            {
                                "type": "fx.rate",
                                "pair": f"{ccy}JPY",
                                "rate": round(self.fx_at(ccy, t) * (1 + r.gauss(0, 0.0007)), 3),
                            },
                            style=1,
                        )
        for s in self.syms:
            for d in self.days:
                sess = clock.sessions_on(d, s.region)
                vol_day = int(s.adv * math.exp(r.gauss(0, 0.35)))
                for a, b in sess:
                    if s.quote_rate <= 0:
                        continue
                    t = a
                    while True:
                        t += int(r.expovariate(s.quote_rate / clock.HOUR))
                        if t >= b or t >= self.end_ms:
                            break
                        self._quote(out, s, t, vol_day)
                if sess and k.closing_quote and d == max(s.closes):
                    self._quote(out, s, sess[-1][1] - r.randint(1, 60_000), vol_day)
                if sess and s.has_bars:
                    a, b = sess[0][0], sess[-1][1]
                    pts = [self.price(s, a + (b - a) * i // 24) for i in range(25)]
                    bump = max(self.mult(s, t) for t in (a, (a + b) // 2, b - 1))
                    t = b + r.randint(4, 50) * clock.MIN
                    if t < self.end_ms:
                        out.add(
                            t,
                            {
                                "type": "market.bar",
                                "symbol": s.symbol,
                                "date": d.isoformat(),
                                "open": pts[0],
                                "high": max(pts),
                                "low": min(pts),
                                "close": pts[-1],
                                "volume": int(vol_day * (bump**6)),
                            },
                            style=2,
                        )

    def _quote(self, out, s: Sym, t: int, vol_day: int) -> None:
        last, bid, ask = self.book(s, t)
        sess = clock.sessions_on(self.trade_date(s, t), s.region)
        f = (t - sess[0][0]) / (sess[-1][1] - sess[0][0]) if sess else 1.0
        vol = int(vol_day * max(0.01, min(1.0, f)) * (self.mult(s, t) ** 6))
        out.add(
            t,
            {
                "type": "market.quote",
                "symbol": s.symbol,
                "last": last,
                "bid": bid,
                "ask": ask,
                "prev_close": self.prev_close(s, t),
                "volume_today": vol,
            },
            style=2,
        )
