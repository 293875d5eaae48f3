"""Run one detector alone through the real engine: history first, then the action under test."""

from __future__ import annotations

from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detector import Detector
from kozaguard.engine.engine import Engine
from kozaguard.events.schema import Decision, Event
from streams import at, ev, login

HOME = {"device_id": "d-home", "ip": "126.10.20.30"}
ABROAD = {"device_id": "d-new", "ip": "8.8.8.8", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/124"}


def history(factors=("sms",), days: int = 3) -> list[Event]:
    """An account opened with some holdings that logged in from home on a few days."""
    events = [
        ev(
            "instrument",
            at(1, 7),
            symbol="7203",
            name="トヨタ自動車",
            market="TSE-PRIME",
            currency="JPY",
            lot_size=100,
        ),
        ev(
            "instrument",
            at(1, 7),
            symbol="9999",
            name="薄商い",
            market="TSE-STANDARD",
            currency="JPY",
            lot_size=100,
        ),
        ev(
            "account.opened",
            at(1, 7),
            account_id="A1",
            birth_year=1970,
            prefecture="大阪府",
            margin_enabled=True,
            foreign_enabled=False,
            factors=list(factors),
        ),
        ev(
            "account.snapshot",
            at(1, 7),
            account_id="A1",
            cash_jpy=2_000_000,
            positions=[{"symbol": "7203", "qty": 300, "avg_cost": 2400}],
        ),
    ]
    for day in range(1, days + 1):
        events += [
            ev(
                "market.bar",
                at(day, 7, 30),
                symbol="7203",
                date=f"2025-03-{day + 10}",
                open=2500,
                high=2520,
                low=2480,
                close=2500,
                volume=5_000_000,
            ),
            ev(
                "market.bar",
                at(day, 7, 30),
                symbol="9999",
                date=f"2025-03-{day + 10}",
                open=84,
                high=86,
                low=83,
                close=84,
                volume=40_000,
            ),
            login(at(day, 8), session_id=f"H{day}", **HOME),
        ]
    events.append(
        ev(
            "market.quote",
            at(days, 9),
            symbol="9999",
            last=84,
            bid=83,
            ask=85,
            prev_close=84,
            volume_today=3_000,
        )
    )
    return events


def judge(detector: Detector, events: list[Event]) -> Decision | None:
    """The decision on the last event, with `detector` as the engine's only detector."""
    engine = Engine(memory_state(), [detector])
    decision = None
    for e in events:
        decision = engine.process(e)
    return decision
