"""The broker's tradable universe: real TSE listings (JPX's list, shipped by `tokyo-stock-exchange`)
plus the Hong Kong, Shanghai/Shenzhen and US names Japanese retail customers hold.

Prices and volumes are drawn per seed by liquidity tier: a TOPIX Core30 name trades millions of
shares a day, a Standard-market small cap a few tens of thousands, which is what a pump needs.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from importlib import resources

MARKETS = {
    "プライム（内国株式）": "TSE-PRIME",
    "スタンダード（内国株式）": "TSE-STANDARD",
    "グロース（内国株式）": "TSE-GROWTH",
    "ETF・ETN": "TSE-PRIME",  # ETFs list on the TSE outside the three segments; the v1 enum has none for them
}
TIERS = {"TOPIX Core30": "core", "TOPIX Large70": "large", "TOPIX Mid400": "mid"}


@dataclass
class Instrument:
    symbol: str
    name: str
    market: str
    currency: str
    lot_size: int
    tier: str  # core | large | mid | small | thin | etf
    price: float  # reference price when the stream starts
    adv: int  # average daily volume, shares
    vol: float  # daily volatility

    @property
    def domestic(self) -> bool:
        return self.currency == "JPY"


def _tse_rows() -> list[dict[str, str]]:
    text = resources.files("tokyo_stock_exchange").joinpath("tse.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _draw(rng: random.Random, tier: str, market: str) -> tuple[float, int, float]:
    """Price, average daily volume and daily volatility for a tier."""
    if tier == "core":
        return rng.uniform(1200, 9000), int(rng.lognormvariate(15.5, 0.6)), rng.uniform(0.010, 0.018)
    if tier == "large":
        return rng.uniform(900, 7000), int(rng.lognormvariate(14.5, 0.6)), rng.uniform(0.012, 0.02)
    if tier == "mid":
        return rng.uniform(500, 5000), int(rng.lognormvariate(13.2, 0.7)), rng.uniform(0.014, 0.024)
    if tier == "etf":
        return rng.uniform(900, 3200), int(rng.lognormvariate(13.0, 0.8)), rng.uniform(0.008, 0.013)
    if tier == "small":
        low = 300 if market == "TSE-PRIME" else 150
        return rng.uniform(low, 3000), int(rng.lognormvariate(11.5, 0.8)), rng.uniform(0.016, 0.03)
    return rng.uniform(60, 600), int(rng.lognormvariate(10.3, 0.6)), rng.uniform(0.02, 0.04)


ETFS = ("1306", "1321", "1348", "1475", "2558", "2559", "1489", "1343")


def tse(rng: random.Random, counts: dict[str, int]) -> list[Instrument]:
    """A sample of real TSE listings: `counts` per tier (core, large, mid, small, thin, etf)."""
    by_tier: dict[str, list[dict[str, str]]] = {
        t: [] for t in ("core", "large", "mid", "small", "thin", "etf")
    }
    for row in _tse_rows():
        market = MARKETS.get(row["市場・商品区分"])
        if market is None:
            continue
        size = row["規模区分"].strip()
        if row["市場・商品区分"] == "ETF・ETN":
            tier = "etf" if row["コード"] in ETFS else ""
        elif size in TIERS:
            tier = TIERS[size]
        elif market == "TSE-PRIME":
            tier = "small"
        else:  # Standard and Growth names outside TOPIX: where pumps happen
            tier = "thin" if rng.random() < 0.6 else "small"
        if tier:
            by_tier[tier].append(row)
    out = []
    for tier, rows in by_tier.items():
        take = min(counts.get(tier, 0), len(rows))
        for row in sorted(rng.sample(rows, take), key=lambda r: r["コード"]):
            market = MARKETS[row["市場・商品区分"]]
            price, adv, vol = _draw(rng, tier, market)
            out.append(Instrument(row["コード"], row["銘柄名"], market, "JPY", 100, tier, price, adv, vol))
    return out


# symbol, name, market, lot, price, adv (shares), tier
FOREIGN = (
    ("0700.HK", "騰訊控股 (Tencent)", "HKEX", 100, 380.0, 18_000_000, "core"),
    ("9988.HK", "阿里巴巴集団", "HKEX", 100, 120.0, 60_000_000, "core"),
    ("1810.HK", "小米集団", "HKEX", 200, 45.0, 150_000_000, "core"),
    ("0005.HK", "HSBC Holdings", "HKEX", 400, 88.0, 20_000_000, "core"),
    ("1299.HK", "友邦保険 (AIA)", "HKEX", 200, 58.0, 25_000_000, "large"),
    ("0941.HK", "中国移動", "HKEX", 500, 82.0, 15_000_000, "large"),
    ("600519.SS", "貴州茅台", "SSE", 100, 1560.0, 3_000_000, "core"),
    ("601318.SS", "中国平安保険", "SSE", 100, 53.0, 50_000_000, "core"),
    ("600036.SS", "招商銀行", "SSE", 100, 43.0, 60_000_000, "large"),
    ("000858.SZ", "五糧液", "SZSE", 100, 135.0, 15_000_000, "large"),
    ("300750.SZ", "寧徳時代 (CATL)", "SZSE", 100, 255.0, 20_000_000, "core"),
    ("000333.SZ", "美的集団", "SZSE", 100, 76.0, 20_000_000, "large"),
    ("AAPL", "Apple Inc.", "NASDAQ", 1, 220.0, 50_000_000, "core"),
    ("MSFT", "Microsoft Corp.", "NASDAQ", 1, 390.0, 22_000_000, "core"),
    ("NVDA", "NVIDIA Corp.", "NASDAQ", 1, 115.0, 250_000_000, "core"),
    ("AMZN", "Amazon.com Inc.", "NASDAQ", 1, 200.0, 40_000_000, "core"),
    ("GOOGL", "Alphabet Inc. Class A", "NASDAQ", 1, 165.0, 30_000_000, "core"),
    ("TSLA", "Tesla Inc.", "NASDAQ", 1, 260.0, 110_000_000, "core"),
    ("QQQ", "Invesco QQQ Trust", "NASDAQ", 1, 480.0, 40_000_000, "etf"),
    ("KO", "Coca-Cola Co.", "NYSE", 1, 70.0, 15_000_000, "large"),
    ("JNJ", "Johnson & Johnson", "NYSE", 1, 160.0, 8_000_000, "large"),
    ("VZ", "Verizon Communications", "NYSE", 1, 43.0, 20_000_000, "large"),
    ("VOO", "Vanguard S&P 500 ETF", "NYSE", 1, 520.0, 6_000_000, "etf"),
    ("SPYD", "SPDR Portfolio S&P 500 High Dividend ETF", "NYSE", 1, 43.0, 2_000_000, "etf"),
)
CURRENCY = {"HKEX": "HKD", "SSE": "CNY", "SZSE": "CNY", "NYSE": "USD", "NASDAQ": "USD"}

# Thin foreign names: the kind brokers halted buys of in 2025 (codes in the markets' formats, names made up)
THIN_FOREIGN = (
    ("8137.HK", "宏澳科技控股", "HKEX", 2000, 0.42),
    ("1741.HK", "匯信智能集団", "HKEX", 4000, 0.31),
    ("8413.HK", "富港環球控股", "HKEX", 5000, 0.185),
    ("2366.HK", "盛華資源", "HKEX", 2000, 0.76),
    ("603389.SS", "亜振家居新材", "SSE", 100, 6.8),
    ("002822.SZ", "中装智造", "SZSE", 100, 3.9),
    ("300581.SZ", "晨曦航電", "SZSE", 100, 11.2),
    ("ZNTQ", "Zentaq Holdings Inc.", "NASDAQ", 1, 1.15),
    ("VOLR", "Volara Digital Ltd.", "NASDAQ", 1, 2.4),
)


def foreign(rng: random.Random, thin: int) -> list[Instrument]:
    out = []
    for sym, name, market, lot, price, adv, tier in FOREIGN:
        vol = {"core": 0.018, "large": 0.014, "etf": 0.01}[tier] * rng.uniform(0.8, 1.3)
        out.append(Instrument(sym, name, market, CURRENCY[market], lot, tier, price, adv, vol))
    for sym, name, market, lot, price in rng.sample(THIN_FOREIGN, min(thin, len(THIN_FOREIGN))):
        adv = int(rng.lognormvariate(12.5 if market == "HKEX" else 11.0, 0.6))
        out.append(
            Instrument(sym, name, market, CURRENCY[market], lot, "thin", price, adv, rng.uniform(0.03, 0.05))
        )
    return out
