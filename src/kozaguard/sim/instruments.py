"""The instrument universe: real TSE listings plus a curated list of Hong Kong, China A and US stocks.

TSE codes, names, markets and size classes come from the `tokyo-stock-exchange` package (PRO Market
excluded: retail customers cannot trade it). Foreign instruments are real tickers listed in
`data/foreign.csv`. Each instrument gets a liquidity tier that decides its price level, daily volume,
volatility and spread: thin Standard/Growth small caps are what pump campaigns target.

>>> universe = load_universe(seed=1)
>>> universe["7203"].market, universe["7203"].lot_size, universe["7203"].tier
('TSE-PRIME', 100, 'mega')
>>> tick_size("TSE-STANDARD", 84.0), tick_size("HKEX", 4.3), tick_size("NASDAQ", 1.6)
(1.0, 0.01, 0.01)
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

TIERS = ("mega", "large", "mid", "small", "thin")

#: tier -> (median price in JPY for TSE, median daily volume in shares, daily volatility)
_TIER_PROFILE = {
    "mega": (3000.0, 9_000_000, 0.015),
    "large": (2500.0, 2_500_000, 0.017),
    "mid": (1800.0, 500_000, 0.020),
    "small": (1100.0, 80_000, 0.024),
    "thin": (420.0, 12_000, 0.032),
}
_FOREIGN_VOLUME = {"mega": 40_000_000, "large": 8_000_000, "mid": 2_000_000, "small": 600_000, "thin": 90_000}

_TSE_MARKETS = {
    "プライム（内国株式）": "TSE-PRIME",
    "プライム（外国株式）": "TSE-PRIME",
    "スタンダード（内国株式）": "TSE-STANDARD",
    "スタンダード（外国株式）": "TSE-STANDARD",
    "グロース（内国株式）": "TSE-GROWTH",
    "グロース（外国株式）": "TSE-GROWTH",
    "ETF・ETN": "TSE-PRIME",
    "REIT・ベンチャーファンド・カントリーファンド・インフラファンド": "TSE-PRIME",
}
_SIZE_TIER = {
    "TOPIX Core30": "mega",
    "TOPIX Large70": "large",
    "TOPIX Mid400": "mid",
    "TOPIX Small 1": "small",
    "TOPIX Small 2": "small",
}
#: Widely held TSE ETFs that trade like large caps (NISA investors buy them).
_LIQUID_ETFS = {"1306", "1321", "1330", "1348", "1475", "1570", "2558", "1343", "2559", "1489"}


@dataclass(frozen=True, slots=True)
class InstrumentInfo:
    """One tradable instrument and the parameters that drive its simulated price and volume."""

    symbol: str
    name: str
    market: str
    currency: str
    lot_size: int
    tier: str
    kind: str  # stock | etf | reit
    price: float  # reference price at the start, in the instrument's currency
    daily_volume: int  # normal daily volume in shares
    volatility: float  # daily standard deviation of log returns

    @property
    def foreign(self) -> bool:
        return not self.market.startswith("TSE")


def tick_size(market: str, price: float) -> float:
    """The price increment of `market` at `price` (TSE standard table, HKEX spread table)."""
    if market.startswith("TSE"):
        for limit, tick in ((3000, 1.0), (5000, 5.0), (30000, 10.0), (50000, 50.0), (300000, 100.0)):
            if price <= limit:
                return tick
        return 500.0
    if market == "HKEX":
        for limit, tick in ((0.25, 0.001), (0.5, 0.005), (10, 0.01), (20, 0.02), (100, 0.05), (200, 0.1)):
            if price <= limit:
                return tick
        return 0.2 if price <= 500 else 0.5
    return 0.01


def round_to_tick(market: str, price: float) -> float:
    """`price` on the tick grid of `market`, never below one tick."""
    tick = tick_size(market, price)
    return round(max(tick, round(price / tick) * tick), 3)


def _tse_rows() -> list[dict[str, str]]:
    with resources.files("tokyo_stock_exchange").joinpath("tse.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _foreign_rows() -> list[dict[str, str]]:
    path = Path(__file__).with_name("data") / "foreign.csv"
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _tse_instrument(row: dict[str, str], rng: random.Random) -> InstrumentInfo | None:
    market = _TSE_MARKETS.get(row["市場・商品区分"])
    if market is None:
        return None
    code = row["コード"]
    kind = {"ETF・ETN": "etf", "REIT・ベンチャーファンド・カントリーファンド・インフラファンド": "reit"}.get(
        row["市場・商品区分"], "stock"
    )
    if kind == "etf":
        tier = "large" if code in _LIQUID_ETFS else "thin"
    elif kind == "reit":
        tier = "small"
    else:
        tier = _SIZE_TIER.get(row["規模区分"].strip(), "thin" if market != "TSE-PRIME" else "small")
    median_price, median_volume, vol = _TIER_PROFILE[tier]
    if kind == "reit":
        price = rng.lognormvariate(math.log(120_000), 0.5)  # REIT units trade around ¥100k
        lot = 1
    else:
        price = rng.lognormvariate(math.log(median_price), 0.7 if tier == "thin" else 0.6)
        lot = 100 if kind == "stock" else (1 if price > 10_000 else 10)
    price = round_to_tick(market, max(price, 35.0))
    if market == "TSE-GROWTH":
        vol *= 1.4
    volume = int(rng.lognormvariate(math.log(median_volume if kind != "reit" else 6_000), 0.6))
    return InstrumentInfo(
        code,
        row["銘柄名"],
        market,
        "JPY",
        lot,
        tier,
        kind,
        price,
        max(volume, 300),
        vol * rng.uniform(0.8, 1.25),
    )


def _foreign_instrument(row: dict[str, str], rng: random.Random) -> InstrumentInfo:
    tier = row["tier"]
    vol = _TIER_PROFILE[tier][2] * (1.3 if tier == "thin" else 1.0)
    volume = int(rng.lognormvariate(math.log(_FOREIGN_VOLUME[tier]), 0.4))
    kind = "etf" if row["name"].endswith(("ETF", "Trust")) else "stock"
    return InstrumentInfo(
        row["symbol"],
        row["name"],
        row["market"],
        row["currency"],
        int(row["lot_size"]),
        tier,
        kind,
        round_to_tick(row["market"], float(row["price"]) * rng.uniform(0.95, 1.05)),
        volume,
        vol * rng.uniform(0.8, 1.25),
    )


def load_universe(seed: int) -> dict[str, InstrumentInfo]:
    """Every instrument by symbol, TSE first then foreign, with seed-dependent starting prices."""
    rng = random.Random(f"{seed}/instruments")
    universe: dict[str, InstrumentInfo] = {}
    for row in _tse_rows():
        info = _tse_instrument(row, rng)
        if info is not None:
            universe[info.symbol] = info
    for row in _foreign_rows():
        universe[row["symbol"]] = _foreign_instrument(row, rng)
    return universe
