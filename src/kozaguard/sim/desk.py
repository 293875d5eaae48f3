"""A modelled staff desk for replays: every held action is reviewed a while after it was held.

A hold is a question to staff ("was this the customer?"), and the answer changes what the engine does
next (`engine/review.py`): a customer's released session stops being held, an attacker's rejected
one is refused. A replay without a desk shows an engine whose every question stays unanswered, which
no broker runs. With the simulator's labels as what the desk learns when it calls the customer, the
desk answers each hold `delay_minutes` after it: `released` when the action was the customer's,
`rejected` when it was an attacker's, as a `review.decided` event (the contract's) placed in the
stream at that time. The answers use the labels only for actions the engine held, and reach the
engine only after the delay, so decisions still depend only on what came before them.

The reviews waiting are engine state (`watch`), so a replay resumed from saved state answers as one
that ran the whole stream.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from kozaguard.engine.engine import UNIX, epoch
from kozaguard.engine.state import State
from kozaguard.events.schema import ReviewDecided

_KEY = "desk:pending"
STAFF_ID = "desk"


class Desk:
    """Answers holds after `delay_minutes`; `attacker_events` are the ids the labels give attackers."""

    def __init__(self, attacker_events: Iterable[str], delay_minutes: float, state: State) -> None:
        self.attackers = frozenset(attacker_events)
        self.delay = delay_minutes * 60.0
        self.state = state
        pending = state.watch.get(_KEY)
        if pending is None:
            pending = []
            state.watch.put(_KEY, pending)
        self.pending: list = pending  # [due (epoch s), held event_id, account_id], in due order
        self.next_due = pending[0][0] if pending else float("inf")

    def held(self, event_id: str, account_id: str, ts: datetime) -> None:
        """The engine held this action: the desk will answer it after the delay."""
        due = epoch(ts) + self.delay
        self.pending.append([due, event_id, account_id])
        self.next_due = min(self.next_due, due)
        self.state.watch.put(_KEY, self.pending)

    def due(self, ts: datetime) -> Iterator[ReviewDecided]:
        """The answers due at or before `ts`, oldest first, each removed from the queue."""
        now = epoch(ts)
        while self.pending and self.pending[0][0] <= now:
            when, event_id, account_id = self.pending.pop(0)
            yield ReviewDecided(
                event_id=f"desk:{event_id}",
                ts=UNIX + timedelta(seconds=when),
                account_id=account_id,
                reviewed_event_id=event_id,
                outcome="rejected" if event_id in self.attackers else "released",
                staff_id=STAFF_ID,
            )
        self.next_due = self.pending[0][0] if self.pending else float("inf")
        self.state.watch.put(_KEY, self.pending)
