"""The friction budget: how strong evidence must be to hold a customer's order, calibrated on history.

A hold costs a real customer his trade and staff a review; it is worth it only when the evidence is
rarer among the broker's own customers than the budget allows. The engine keeps the evidence scores
(`engine/evidence.py`) of the orders and withdrawals it let through, the broker's decided history,
and sets each threshold where the share of that history at or above it fits the budget: holds and
denials `action_stops_per_1000`, passkey challenges `action_challenges_per_1000`. A passkey can be
asked only of a customer who has one, so the challenge budget (counted per 1,000 of every customer's
actions) is spent on the passkey holders' actions alone: their threshold is set on a histogram of
their own, and is lower the fewer of them there are. Held actions are
not in that history until staff release them, so attacks, however many, never raise the threshold
(a budget that counted them would stop holding in the middle of a campaign). Strong evidence keeps
its floor elsewhere:
nothing here lowers a lock, a confirmed campaign or a reported phishing victim.

>>> b = Budget(FrictionSettings(min_history=100))
>>> for i in range(10_000):
...     b.learn(i % 20 / 4)       # most customers score 0 .. 4.75 in log-odds
>>> for x in [6.0] * 12 + [8.0] * 3:
...     b.learn(x, passkey=True)  # a few unusual ones, who have a passkey
>>> b.hold_threshold(), b.challenge_threshold()  # 5 stops per 10,000; their 15 fit 100 challenges
(6.25, -10.0)
"""

from __future__ import annotations

import math
from typing import Annotated

from msgspec import Meta, Struct

from kozaguard.engine.state import State

LOW, HIGH, STEP = -10.0, 40.0, 0.25
BINS = int((HIGH - LOW) / STEP)


PerMille = Annotated[float, Meta(ge=0, le=1000)]
LogOdds = Annotated[float, Meta(ge=-10, le=40)]


class FrictionSettings(Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Settings `[friction]`: budgets per 1,000 customer actions of the kind, and the cold start."""

    action_stops_per_1000: PerMille = 0.5
    action_challenges_per_1000: PerMille = 10.0
    login_challenges_per_1000: PerMille = 30.0
    login_refusals_per_1000: PerMille = 1.0
    min_history: Annotated[int, Meta(ge=0, le=100_000_000)] = 2000
    """Orders and withdrawals seen before the thresholds are calibrated; until then `cold_*` apply."""
    cold_hold: LogOdds = 9.0
    cold_challenge: LogOdds = 6.0

    def __post_init__(self) -> None:
        for name in ("action_stops_per_1000", "action_challenges_per_1000"):
            value = getattr(self, name)
            if not 0 <= value <= 1000:
                raise ValueError(f"friction.{name} = {value}: use a rate per 1,000 between 0 and 1000")


def _bin(x: float) -> int:
    return min(BINS - 1, max(0, int((x - LOW) / STEP)))


_KEY = "friction:actions"
HELD, CHALLENGED, HOLD_AT, CHALLENGE_AT = BINS, BINS + 1, BINS + 2, BINS + 3
PASSKEY = BINS + 4  # then the passkey holders' own histogram, BINS long
RULED = PASSKEY + BINS  # then the challenges rules asked for (withdrawals' step-up, say)
TOTAL = RULED + 1  # the actions in the histogram
SIZE = TOTAL + 1
_EVERY = 256
"""Thresholds are worked out again after this many new actions (and kept in the state with the
histogram, so a replay continued from saved state decides as one that ran the whole stream)."""


def _fresh() -> list:
    return [0] * (BINS + 2) + [None, None] + [0] * (BINS + 1) + [0]


class Budget:
    """A histogram of the evidence of actions let through, and the thresholds the budgets allow.

    The histogram is engine state (`bind` keeps it in the state's store), so a replay that continues
    from a saved state calibrates as one that ran the whole stream. It is read from the state at
    every use, never kept aside: a store that reloads records (a worker redoing a batch after another
    worker changed the record, docs/deployment.md) hands back the record as it now stands, and the
    budget's changes go into that one.
    """

    def __init__(self, settings: FrictionSettings | None = None) -> None:
        self.settings = settings or FrictionSettings()
        # the bins, the stops and challenges the gate imposed, the thresholds in force, the passkey
        # holders' bins, the challenges rules imposed, the count of actions
        self._own: list = _fresh()
        self._state: State | None = None

    def bind(self, state: State) -> None:
        """Keep the histogram in `state` (the one it holds already, if any)."""
        if state.watch.get(_KEY) is None:
            state.watch.put(_KEY, self._own)
        self._state = state

    @property
    def counts(self) -> list:
        """The record as the state holds it now."""
        state = self._state
        if state is None:
            return self._own
        record = state.watch.get(_KEY)
        if record is None:  # a store started afresh under a bound budget
            record = _fresh()
            state.watch.put(_KEY, record)
        elif len(record) < SIZE:  # saved before the passkey holders' histogram or the count
            if len(record) < TOTAL:
                record.extend([0] * (TOTAL - len(record)))
            record.append(sum(record[:BINS]))
        return record

    @property
    def total(self) -> int:
        return self.counts[TOTAL]

    def _changed(self, record: list) -> None:
        if self._state is not None:
            self._state.watch.put(_KEY, record)

    def learn(self, x: float, passkey: bool = False) -> None:
        """An order or withdrawal let through, with its evidence score (`passkey`: its customer has one)."""
        c = self.counts
        b = _bin(x)
        c[b] += 1
        if passkey:
            c[PASSKEY + b] += 1
        c[TOTAL] += 1
        if c[TOTAL] % _EVERY == 0:
            c[HOLD_AT] = None
        self._changed(c)

    def stopped(self) -> None:
        """The gate held or denied an action (not history until staff release it)."""
        c = self.counts
        c[HELD] += 1
        self._changed(c)

    def passkey_challenged(self, x: float) -> None:
        """The gate asked for a passkey: the customer passes it, so it is history too."""
        c = self.counts
        c[CHALLENGED] += 1
        self._changed(c)
        self.learn(x, passkey=True)

    def rule_challenged(self) -> None:
        """A rule challenged an action (the JSDA step-up of a withdrawal, say): that much of the
        challenge budget is spent before the gate asks for any passkey."""
        c = self.counts
        c[RULED] += 1
        self._changed(c)

    def released(self, x: float, passkey: bool = False) -> None:
        """Staff released a held action: it was the customer's, with this evidence."""
        c = self.counts
        c[HELD] = max(0, c[HELD] - 1)
        c[HOLD_AT] = None
        self._changed(c)
        self.learn(x, passkey)

    def _threshold(self, per_1000: float, offset: int = 0, spent: int = 0) -> float:
        """The lowest threshold with at most `per_1000` of all actions, less `spent`, at or above
        it, counting the histogram at `offset` (0: every action; PASSKEY: the passkey holders')."""
        allowed = per_1000 * self.total / 1000.0 - spent
        above = 0
        c = self.counts
        for i in range(BINS - 1, -1, -1):
            above += c[offset + i]
            if above > allowed:
                return LOW + (i + 1) * STEP
        return LOW

    def _update(self, c: list) -> None:
        s = self.settings
        if c[TOTAL] < s.min_history:
            c[HOLD_AT], c[CHALLENGE_AT] = s.cold_hold, s.cold_challenge
        else:
            hold = self._threshold(s.action_stops_per_1000)
            challenge = self._threshold(s.action_challenges_per_1000, PASSKEY, c[RULED])
            c[HOLD_AT], c[CHALLENGE_AT] = hold, min(hold, challenge)
        self._changed(c)

    def hold_threshold(self) -> float:
        """Log-odds at or above which an action may be held or denied."""
        c = self.counts
        if c[HOLD_AT] is None:
            self._update(c)
        return c[HOLD_AT]

    def challenge_threshold(self) -> float:
        """Log-odds at or above which a passkey holder's action may be challenged with his passkey."""
        c = self.counts
        if c[HOLD_AT] is None:
            self._update(c)
        return c[CHALLENGE_AT]


def rate(count: int, total: int) -> float:
    """Per 1,000, for messages.

    >>> rate(1, 2000)
    0.5
    """
    return 1000.0 * count / total if total else math.nan
