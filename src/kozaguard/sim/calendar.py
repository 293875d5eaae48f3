"""The trading calendar and session hours of the markets a Japanese online broker offers, in JST.

Everything in the simulator is Japan time (`+09:00`). TSE trades 09:00-11:30 and 12:30-15:30
(15:00 before 5 November 2024); Hong Kong, Shanghai/Shenzhen and New York sessions are converted to
JST (New York moves by an hour with US daylight saving). Foreign markets follow the Japanese
trading days in this simulator: a simplification that keeps one calendar.

>>> from datetime import date
>>> [d.isoformat() for d in trading_days(date(2025, 4, 25), 4)]
['2025-04-25', '2025-04-28', '2025-04-30', '2025-05-01']
>>> [(s.start_min // 60, s.end_min // 60) for s in sessions("NASDAQ", date(2025, 4, 25))]
[(22, 29)]
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import NamedTuple

JST = timezone(timedelta(hours=9))

#: TSE closed days that are not weekends: public holidays and the year-end/new-year closure.
_CLOSED = {
    # 2024
    "2024-01-01", "2024-01-02", "2024-01-03", "2024-01-08", "2024-02-12", "2024-02-23", "2024-03-20",
    "2024-04-29", "2024-05-03", "2024-05-06", "2024-07-15", "2024-08-12", "2024-09-16", "2024-09-23",
    "2024-10-14", "2024-11-04", "2024-12-31",
    # 2025
    "2025-01-01", "2025-01-02", "2025-01-03", "2025-01-13", "2025-02-11", "2025-02-24", "2025-03-20",
    "2025-04-29", "2025-05-05", "2025-05-06", "2025-07-21", "2025-08-11", "2025-09-15", "2025-09-23",
    "2025-10-13", "2025-11-03", "2025-11-24", "2025-12-31",
    # 2026
    "2026-01-01", "2026-01-02", "2026-01-12", "2026-02-11", "2026-02-23", "2026-03-20", "2026-04-29",
    "2026-05-04", "2026-05-05", "2026-05-06", "2026-07-20", "2026-08-11", "2026-09-21", "2026-09-22",
    "2026-09-23", "2026-10-12", "2026-11-03", "2026-11-23", "2026-12-31",
}  # fmt: skip
FIRST_DATE = date(2024, 1, 1)
LAST_DATE = date(2026, 12, 30)
TSE_LONGER_HOURS = date(2024, 11, 5)


class Session(NamedTuple):
    """One continuous trading session, in minutes after midnight JST of the trading day (may pass 24h)."""

    start_min: int
    end_min: int


def is_trading_day(day: date) -> bool:
    """A weekday on which the TSE is open."""
    return day.weekday() < 5 and day.isoformat() not in _CLOSED


def trading_days(start: date, count: int) -> list[date]:
    """The first `count` trading days on or after `start`; raises ValueError outside the known years."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if day < FIRST_DATE or day > LAST_DATE:
            raise ValueError(
                f"the calendar knows {FIRST_DATE}..{LAST_DATE}; {count} trading days from {start} "
                f"leave it: choose an earlier start_date or fewer days"
            )
        if is_trading_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _us_daylight_saving(day: date) -> bool:
    """US DST: second Sunday of March to first Sunday of November."""
    march = date(day.year, 3, 8)
    start = march + timedelta(days=(6 - march.weekday()) % 7)
    november = date(day.year, 11, 1)
    end = november + timedelta(days=(6 - november.weekday()) % 7)
    return start <= day < end


def sessions(market: str, day: date) -> list[Session]:
    """The sessions of `market` for trading day `day`, in JST minutes from that day's midnight."""
    if market.startswith("TSE"):
        close = 15 * 60 + 30 if day >= TSE_LONGER_HOURS else 15 * 60
        return [Session(9 * 60, 11 * 60 + 30), Session(12 * 60 + 30, close)]
    if market == "HKEX":  # 09:30-12:00, 13:00-16:00 HKT
        return [Session(10 * 60 + 30, 13 * 60), Session(14 * 60, 17 * 60)]
    if market in ("SSE", "SZSE"):  # 09:30-11:30, 13:00-15:00 CST
        return [Session(10 * 60 + 30, 12 * 60 + 30), Session(14 * 60, 16 * 60)]
    if market in ("NYSE", "NASDAQ"):  # 09:30-16:00 ET
        open_min = (22 if _us_daylight_saving(day) else 23) * 60 + 30
        return [Session(open_min, open_min + 390)]
    raise ValueError(f"unknown market {market!r}")


def session_minutes(market: str, day: date) -> list[int]:
    """Every trading minute of the day (JST minutes from midnight), the grid prices move on."""
    return [m for s in sessions(market, day) for m in range(s.start_min, s.end_min)]


def midnight_ms(day: date) -> int:
    """Epoch milliseconds of 00:00 JST on `day`."""
    return int(datetime(day.year, day.month, day.day, tzinfo=JST).timestamp()) * 1000


def to_datetime(ms: int) -> datetime:
    """An aware JST datetime for epoch milliseconds."""
    return _EPOCH + timedelta(milliseconds=ms)


_EPOCH = datetime(1970, 1, 1, 9, tzinfo=JST)
