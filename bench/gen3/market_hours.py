"""Trading days and session hours of each market, as seen from Tokyo (all times JST, +09:00).

The broker's calendar is the TSE's; foreign markets trade on those days unless their own holiday.
US hours shift by an hour when New York changes to daylight time (2025-03-09, 2025-11-02).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

JST = timezone(timedelta(hours=9))
MS_HOUR = 3_600_000
MS_MIN = 60_000

JP_HOLIDAYS = {
    date(2025, 1, 1),
    date(2025, 1, 2),
    date(2025, 1, 3),
    date(2025, 1, 13),
    date(2025, 2, 11),
    date(2025, 2, 24),
    date(2025, 3, 20),
    date(2025, 4, 29),
    date(2025, 5, 5),
    date(2025, 5, 6),
    date(2025, 7, 21),
    date(2025, 8, 11),
    date(2025, 9, 15),
    date(2025, 9, 23),
    date(2025, 10, 13),
    date(2025, 11, 3),
    date(2025, 11, 24),
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 1, 2),
    date(2026, 1, 12),
    date(2026, 2, 11),
    date(2026, 2, 23),
    date(2026, 3, 20),
    date(2026, 4, 29),
    date(2026, 5, 4),
    date(2026, 5, 5),
    date(2026, 5, 6),
}
FOREIGN_HOLIDAYS = {
    "HKEX": {
        date(2025, 1, 29),
        date(2025, 1, 30),
        date(2025, 1, 31),
        date(2025, 4, 4),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 1),
        date(2025, 5, 5),
        date(2025, 7, 1),
        date(2025, 10, 1),
        date(2025, 10, 7),
        date(2025, 10, 29),
        date(2025, 12, 25),
        date(2025, 12, 26),
    },
    "CN": {
        date(2025, 1, 28),
        date(2025, 1, 29),
        date(2025, 1, 30),
        date(2025, 1, 31),
        date(2025, 2, 3),
        date(2025, 2, 4),
        date(2025, 4, 4),
        date(2025, 5, 1),
        date(2025, 5, 2),
        date(2025, 5, 5),
        date(2025, 6, 2),
        date(2025, 10, 1),
        date(2025, 10, 2),
        date(2025, 10, 3),
        date(2025, 10, 6),
        date(2025, 10, 7),
        date(2025, 10, 8),
    },
    "US": {
        date(2025, 1, 1),
        date(2025, 1, 9),
        date(2025, 1, 20),
        date(2025, 2, 17),
        date(2025, 4, 18),
        date(2025, 5, 26),
        date(2025, 6, 19),
        date(2025, 7, 4),
        date(2025, 9, 1),
        date(2025, 11, 27),
        date(2025, 12, 25),
    },
}
GROUP = {"HKEX": "HKEX", "SSE": "CN", "SZSE": "CN", "NYSE": "US", "NASDAQ": "US"}


def trading_days(start: date, n: int) -> list[date]:
    """The first `n` TSE trading days on or after `start`."""
    out, d = [], start
    while len(out) < n:
        if d.weekday() < 5 and d not in JP_HOLIDAYS:
            out.append(d)
        d += timedelta(days=1)
    return out


def ms(day: date, hour: float) -> int:
    """Milliseconds since the epoch of `hour` (may exceed 24) on `day` in JST."""
    base = datetime(day.year, day.month, day.day, tzinfo=JST)
    return int(base.timestamp() * 1000 + hour * MS_HOUR)


def iso(t: int) -> str:
    return datetime.fromtimestamp(t / 1000, JST).isoformat(timespec="milliseconds")


def _us_dst(day: date) -> bool:
    return date(day.year, 3, 9) <= day < date(day.year, 11, 2)


def sessions(market: str, day: date) -> list[tuple[float, float]]:
    """Continuous-trading segments of `market` on `day`, in JST hours (US ones run past midnight)."""
    group = GROUP.get(market)
    if group is None:  # TSE, with the 15:30 close of November 2024
        return [(9.0, 11.5), (12.5, 15.5)]
    if day in FOREIGN_HOLIDAYS[group]:
        return []
    if group == "HKEX":
        return [(10.5, 13.0), (14.0, 17.0)]
    if group == "CN":
        return [(10.5, 12.5), (14.0, 16.0)]
    return [(22.5, 29.0)] if _us_dst(day) else [(23.5, 30.0)]
