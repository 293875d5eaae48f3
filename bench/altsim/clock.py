"""Calendar and wall-clock helpers. All instants are integer milliseconds since the Unix epoch.

Trading days follow the Tokyo calendar (weekends and Japanese holidays closed); every other market
keeps its own holidays and hours, given here in JST minutes after midnight.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9))
MIN = 60_000
HOUR = 60 * MIN
DAY = 24 * HOUR

FIRST_DAY = date(2025, 4, 21)

HOLIDAYS = {
    "JP": {date(2025, 4, 29), date(2025, 5, 3), date(2025, 5, 4), date(2025, 5, 5), date(2025, 5, 6)},
    "HK": {date(2025, 5, 1), date(2025, 5, 5), date(2025, 5, 30)},
    "CN": {date(2025, 5, 1), date(2025, 5, 2), date(2025, 5, 5), date(2025, 5, 31)},
    "US": {date(2025, 5, 26)},
}

# (start, end) in JST minutes from local midnight of the trading date; US sessions cross midnight.
HOURS = {
    "JP": [(9 * 60, 11 * 60 + 30), (12 * 60 + 30, 15 * 60 + 30)],
    "HK": [(10 * 60 + 30, 13 * 60), (14 * 60, 17 * 60)],
    "CN": [(10 * 60 + 30, 12 * 60 + 30), (14 * 60, 16 * 60)],
    "US": [(22 * 60 + 30, 29 * 60)],
}

REGION = {
    "TSE-PRIME": "JP",
    "TSE-STANDARD": "JP",
    "TSE-GROWTH": "JP",
    "HKEX": "HK",
    "SSE": "CN",
    "SZSE": "CN",
    "NYSE": "US",
    "NASDAQ": "US",
}


def midnight(d: date) -> int:
    """Epoch ms of 00:00 JST on `d`."""
    return int(datetime(d.year, d.month, d.day, tzinfo=JST).timestamp() * 1000)


def is_trading(d: date, region: str) -> bool:
    return d.weekday() < 5 and d not in HOLIDAYS[region]


def tokyo_days(n: int) -> list[date]:
    """The first `n` Tokyo trading days from FIRST_DAY."""
    out, d = [], FIRST_DAY
    while len(out) < n:
        if is_trading(d, "JP"):
            out.append(d)
        d += timedelta(days=1)
    return out


def calendar(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def sessions_on(d: date, region: str) -> list[tuple[int, int]]:
    """Open intervals (epoch ms) of `region`'s session for trading date `d`, empty when closed."""
    if not is_trading(d, region):
        return []
    m = midnight(d)
    return [(m + a * MIN, m + b * MIN) for a, b in HOURS[region]]


def open_at(ms: int, region: str) -> bool:
    d = datetime.fromtimestamp(ms / 1000, JST).date()
    for dd in (d, d - timedelta(days=1)):
        for a, b in sessions_on(dd, region):
            if a <= ms < b:
                return True
    return False


def next_open(ms: int, region: str, horizon_days: int = 10) -> int | None:
    """`ms` if the market is open then, else the next opening instant (None past the horizon)."""
    d = datetime.fromtimestamp(ms / 1000, JST).date() - timedelta(days=1)
    for i in range(horizon_days + 2):
        for a, b in sessions_on(d + timedelta(days=i), region):
            if ms < b:
                return max(a, ms)
    return None


def render(ms: int, style: int) -> str:
    """RFC 3339 text for an instant: style 0 JST with ms, 1 UTC `Z` with ms, 2 UTC `Z` with µs,
    3 JST with µs. Every style is exact to the millisecond so file order and instant order agree."""
    if style in (0, 3):
        dt = datetime.fromtimestamp(ms // 1000, JST).replace(microsecond=(ms % 1000) * 1000)
    else:
        dt = datetime.fromtimestamp(ms // 1000, UTC).replace(microsecond=(ms % 1000) * 1000)
    text = dt.isoformat(timespec="milliseconds" if style in (0, 1) else "microseconds")
    return text.replace("+00:00", "Z") if style in (1, 2) else text
