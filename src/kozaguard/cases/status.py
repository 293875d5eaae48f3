"""A case's status and the transitions staff (or the case builder) may make between statuses.

The statuses know their legal successors, so no caller can move a case where it must not go; an
illegal move is an error naming both statuses (the model is marble's case `CanTransition`).

>>> can_transition(Status.REPORTED, Status.INVESTIGATING)
True
>>> check_transition(Status.PAID, Status.REPORTED)
Traceback (most recent call last):
...
kozaguard.cases.status.IllegalTransition: a case cannot go from paid to reported; from paid it can go to: \
closed
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a case stands, from the first report to its closing."""

    REPORTED = "reported"
    INVESTIGATING = "investigating"
    CONFIRMED_UNAUTHORIZED = "confirmed_unauthorized"
    NOT_UNAUTHORIZED = "not_unauthorized"
    COMPENSATION_PROPOSED = "compensation_proposed"
    APPROVED = "approved"
    PAID = "paid"
    CLOSED = "closed"
    REJECTED = "rejected"


S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.REPORTED: frozenset({S.INVESTIGATING, S.REJECTED}),
    S.INVESTIGATING: frozenset({S.CONFIRMED_UNAUTHORIZED, S.NOT_UNAUTHORIZED, S.REJECTED}),
    S.CONFIRMED_UNAUTHORIZED: frozenset({S.COMPENSATION_PROPOSED, S.INVESTIGATING, S.REJECTED}),
    S.NOT_UNAUTHORIZED: frozenset({S.INVESTIGATING, S.CLOSED}),
    S.COMPENSATION_PROPOSED: frozenset({S.APPROVED, S.CONFIRMED_UNAUTHORIZED, S.REJECTED}),
    S.APPROVED: frozenset({S.PAID}),
    S.PAID: frozenset({S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
"""Every legal move. `compensation_proposed -> confirmed_unauthorized` sends a proposal back."""

NEEDS_REASON = frozenset({S.REJECTED, S.NOT_UNAUTHORIZED})
"""Moves into these statuses need a written reason."""

OPEN = frozenset(TRANSITIONS) - {S.CLOSED}


class IllegalTransition(ValueError):
    """A move the status graph does not allow: says both statuses and where the case could go."""

    def __init__(self, current: Status, target: Status) -> None:
        self.current, self.target = current, target
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nowhere (the case is closed)"
        super().__init__(
            f"a case cannot go from {current} to {target}; from {current} it can go to: {allowed}"
        )


def can_transition(current: Status, target: Status) -> bool:
    """Whether a case in `current` may move to `target`."""
    return target in TRANSITIONS[current]


def check_transition(current: Status, target: Status) -> None:
    """Raise `IllegalTransition` unless `current -> target` is legal."""
    if not can_transition(current, target):
        raise IllegalTransition(current, target)
