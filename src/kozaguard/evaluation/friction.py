"""Friction: what the engine's decisions cost the customers on their own (unlabelled) actions.

Counted only at or after the start of the measured period (`--from`): earlier events build the
engine's history and are not scored. Rates are per 1,000 actions of the kind.
"""

from __future__ import annotations

from datetime import datetime

from msgspec import Struct, field

from kozaguard.events.schema import (
    Action,
    Decision,
    FactorChange,
    Login,
    OrderNew,
    ProfileChange,
    Withdrawal,
)


def per_1000(count: int, total: int) -> float | None:
    """`count` per 1,000 of `total`, to 0.01; None when there is nothing to divide by.

    >>> per_1000(3, 1_200), per_1000(0, 0)
    (2.5, None)
    """
    return round(count * 1000 / total, 2) if total else None


class ActionFriction(Struct, kw_only=True):
    """Decisions on one kind of customer action; `count` is how many actions of the kind there were."""

    count: int
    challenged: int
    challenged_otp: int
    challenged_passkey: int
    held: int
    denied: int
    locked: int
    challenged_per_1000: float | None
    challenged_otp_per_1000: float | None
    challenged_passkey_per_1000: float | None
    held_per_1000: float | None
    denied_per_1000: float | None
    locked_per_1000: float | None


class Tally:
    """Running counts of decisions on one kind of action."""

    __slots__ = ("count", "deny", "hold", "lock", "otp", "passkey")

    def __init__(self) -> None:
        self.count = self.otp = self.passkey = self.hold = self.deny = self.lock = 0

    def add(self, decision: Decision | None, *, counted: bool = True) -> None:
        """Count one action (unless `counted` is False) and the outcome of its decision."""
        self.count += counted
        if decision is None:
            return
        outcome = decision.decision
        if outcome == "challenge":
            if decision.factor == "passkey":
                self.passkey += 1
            else:
                self.otp += 1
        elif outcome == "hold":
            self.hold += 1
        elif outcome == "deny":
            self.deny += 1
        elif outcome == "lock":
            self.lock += 1

    def merged(self, other: Tally) -> Tally:
        both = Tally()
        for name in Tally.__slots__:
            setattr(both, name, getattr(self, name) + getattr(other, name))
        return both

    def summary(self) -> ActionFriction:
        n = self.count
        challenged = self.otp + self.passkey
        return ActionFriction(
            count=n,
            challenged=challenged,
            challenged_otp=self.otp,
            challenged_passkey=self.passkey,
            held=self.hold,
            denied=self.deny,
            locked=self.lock,
            challenged_per_1000=per_1000(challenged, n),
            challenged_otp_per_1000=per_1000(self.otp, n),
            challenged_passkey_per_1000=per_1000(self.passkey, n),
            held_per_1000=per_1000(self.hold, n),
            denied_per_1000=per_1000(self.deny, n),
            locked_per_1000=per_1000(self.lock, n),
        )


class ReasonFriction(Struct, kw_only=True):
    """What one reason code cost the customers on one kind of action: the decisions that carried it.

    A decision with several reasons counts once under each, so the rows of one kind may add up to
    more than the kind's own count: they say which rule takes part in stopping customers.
    """

    reason: str
    action: str  # login | factor | profile | withdrawal | order
    challenged: int = 0
    held: int = 0
    denied: int = 0
    locked: int = 0

    @property
    def stops(self) -> int:
        """Holds, denials and locks (the customer's action does not go through)."""
        return self.held + self.denied + self.locked


_ACTION = {
    Login: "login",
    FactorChange: "factor",
    ProfileChange: "profile",
    Withdrawal: "withdrawal",
    OrderNew: "order",
}
_FIELD = {"challenge": "challenged", "hold": "held", "deny": "denied", "lock": "locked"}


class Friction(Struct, kw_only=True):
    """Friction on the customers' own actions in the measured period.

    `logins` counts successful password logins; a failed one that locked the account adds to
    `logins.locked` only. `accounts_locked` is the number of distinct customer accounts whose own
    actions got a `lock`.
    """

    start: datetime | None = field(name="from")
    customer_accounts: int
    logins: ActionFriction
    orders: ActionFriction
    withdrawals: ActionFriction
    orders_and_withdrawals: ActionFriction
    profile_changes: ActionFriction
    factor_changes: ActionFriction
    accounts_locked: int
    by_reason: list[ReasonFriction] = field(default_factory=list)


class FrictionCounter:
    """Accumulates friction while the evaluator streams the events."""

    __slots__ = (
        "accounts",
        "factors",
        "locked",
        "logins",
        "orders",
        "profiles",
        "reasons",
        "start",
        "withdrawals",
    )

    def __init__(self, start: datetime | None) -> None:
        self.start = start
        self.logins, self.orders, self.withdrawals = Tally(), Tally(), Tally()
        self.profiles, self.factors = Tally(), Tally()
        self.accounts: set[str] = set()
        self.locked: set[str] = set()
        self.reasons: dict[tuple[str, str], ReasonFriction] = {}

    def add(self, event: Action, decision: Decision | None) -> None:
        """Count one customer action (callers pass only unlabelled ones)."""
        if self.start is not None and event.ts < self.start:
            return
        self.accounts.add(event.account_id)
        kind = type(event)
        if kind is Login:
            self.logins.add(decision, counted=event.result == "password_ok")  # type: ignore[attr-defined]
        elif kind is OrderNew:
            self.orders.add(decision)
        elif kind is Withdrawal:
            self.withdrawals.add(decision)
        elif kind is ProfileChange:
            self.profiles.add(decision)
        elif kind is FactorChange:
            self.factors.add(decision)
        else:
            return
        if decision is None or decision.decision == "allow":
            return
        if decision.decision == "lock":
            self.locked.add(event.account_id)
        what, name = _ACTION[kind], _FIELD[decision.decision]
        for reason in decision.reasons or ("(no reason)",):
            row = self.reasons.get((reason, what))
            if row is None:
                row = self.reasons[(reason, what)] = ReasonFriction(reason=reason, action=what)
            setattr(row, name, getattr(row, name) + 1)

    def result(self) -> Friction:
        return Friction(
            start=self.start,
            customer_accounts=len(self.accounts),
            logins=self.logins.summary(),
            orders=self.orders.summary(),
            withdrawals=self.withdrawals.summary(),
            orders_and_withdrawals=self.orders.merged(self.withdrawals).summary(),
            profile_changes=self.profiles.summary(),
            factor_changes=self.factors.summary(),
            accounts_locked=len(self.locked),
            by_reason=sorted(
                self.reasons.values(), key=lambda r: (-r.stops, -r.challenged, r.action, r.reason)
            ),
        )
