"""Before and after a policy date: takeovers that succeed and friction, the FSA table's shape.

`split(...)` scores the stream twice with `scoring.evaluate`: once with the people's events before
the date, once with those from it (market data, instruments and opened accounts go to both, since
both periods value and know them). An event is a person's when it is an `Action` (it carries a
session) or is labelled. The table has one row per period: takeover attempts, those stopped at the
login before doing anything (by the policy's second factor, or the engine), takeovers that reached a
trade or withdrawal, those the engine stopped, the loss, and friction on the customers: logins
challenged per 1,000, order and withdrawal friction per 1,000, and enrolments at login.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kozaguard.evaluation.report import Report
from kozaguard.evaluation.scoring import Sources, evaluate
from kozaguard.events.codec import read_decisions, read_events, read_labels
from kozaguard.events.schema import Action, FactorChange, Login


@dataclass(frozen=True)
class Period:
    name: str
    days: int
    logins: int
    enrolments: int
    report: Report

    @property
    def row(self) -> dict[str, object]:
        a, f, loss = self.report.attacks, self.report.friction, self.report.loss
        ow = f.orders_and_withdrawals
        return {
            "period": self.name,
            "days": self.days,
            "takeover attempts": a.total + a.attempts.total,
            "stopped at login": a.attempts.total,
            "reached a trade": a.total,
            "stopped by engine": a.stopped,
            "succeeded": a.total - a.stopped,
            "loss ¥": round(loss.attack_loss_jpy - loss.prevented_jpy),
            "logins challenged /1000": f.logins.challenged_per_1000,
            "orders+withdrawals stopped /1000": _sum(
                ow.challenged_per_1000, ow.held_per_1000, ow.denied_per_1000
            ),
            "enrolments at login": self.enrolments,
            "enrolments /1000 logins": round(1000 * self.enrolments / self.logins, 1)
            if self.logins
            else None,
        }


def _sum(*values: float | None) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present), 1) if present else None


def split(
    events: Path, labels: Path, decisions: Path, at: datetime, start: datetime | None = None
) -> list[Period]:
    """Score before `at` (friction from `start`) and from `at`; raises what `evaluate` raises."""
    with labels.open("rb") as f:
        labelled = {label.event_id for _, label in read_labels(f, str(labels))}

    def personal(event) -> bool:
        return isinstance(event, Action) or event.event_id in labelled

    after: set[str] = set()
    with events.open("rb") as f:
        for _, _, event in read_events(f, str(events)):
            if personal(event) and event.ts >= at:
                after.add(event.event_id)
    periods = []
    for name, mine in (("before", lambda eid: eid not in after), ("after", lambda eid: eid in after)):
        periods.append(_period(name, events, labels, decisions, mine, personal, labelled, start))
        start = None  # friction after the date counts from the date
    return periods


def _period(
    name: str,
    events: Path,
    labels: Path,
    decisions: Path,
    mine: Callable[[str], bool],
    personal: Callable[[object], bool],
    labelled: set[str],
    start: datetime | None,
) -> Period:
    counts = {"logins": 0, "enrolments": 0}
    days: set = set()

    def stream() -> Iterator:
        with events.open("rb") as f:
            for line, _, event in read_events(f, str(events)):
                if personal(event) and not mine(event.event_id):
                    continue
                if event.event_id not in labelled and (start is None or event.ts >= start):
                    if type(event) is Login and event.result == "password_ok":
                        counts["logins"] += 1
                        days.add(event.ts.date())
                    elif type(event) is FactorChange and event.action == "enrolled":
                        counts["enrolments"] += 1
                yield line, event

    with labels.open("rb") as lab, decisions.open("rb") as dec:
        report = evaluate(
            stream(),
            ((n, x) for n, x in read_labels(lab, str(labels)) if mine(x.event_id)),
            ((n, x) for n, x in read_decisions(dec, str(decisions)) if mine(x.event_id)),
            start,
            sources=Sources(events=str(events), labels=str(labels), decisions=str(decisions)),
        )
    return Period(name, len(days), counts["logins"], counts["enrolments"], report)


def table(periods: list[Period]) -> str:
    """The rows as a Markdown table (for bench/README.md and the terminal)."""
    rows = [p.row for p in periods]
    header = list(rows[0])
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        cells = [f"{v:,}" if isinstance(v, int) else ("–" if v is None else str(v)) for v in r.values()]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"
