"""Account lockout after consecutive authentication failures (JSDA guideline: mandatory).

Pure state transitions so that the service and the engine's detectors share one counter rule. A
locked account stays locked until the customer is verified (recovery code, staff, out of band):
time alone never unlocks it, because a patient attacker would simply wait.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

#: Five consecutive failures is common practice at Japanese online brokers.
DEFAULT_THRESHOLD = 5


class UnlockRoute(StrEnum):
    RECOVERY_CODE = "recovery_code"
    STAFF = "staff"
    OUT_OF_BAND = "out_of_band"


@dataclass(frozen=True)
class LockoutPolicy:
    threshold: int = DEFAULT_THRESHOLD


@dataclass(frozen=True)
class LockoutState:
    """Failures since the last full login; `locked_at` set once the threshold is reached."""

    consecutive_failures: int = 0
    locked_at: datetime | None = None
    unlocked_via: UnlockRoute | None = None

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    def remaining(self, policy: LockoutPolicy) -> int:
        """Attempts left before the lock."""
        return max(0, policy.threshold - self.consecutive_failures)


def record_failure(state: LockoutState, policy: LockoutPolicy, now: datetime) -> LockoutState:
    """One more failure; the account locks when the count reaches the threshold.

    >>> from datetime import UTC, datetime
    >>> s, p, t = LockoutState(), LockoutPolicy(threshold=2), datetime(2025, 5, 1, tzinfo=UTC)
    >>> record_failure(record_failure(s, p, t), p, t).locked
    True
    """
    failures = state.consecutive_failures + 1
    locked_at = state.locked_at or (now if failures >= policy.threshold else None)
    return replace(state, consecutive_failures=failures, locked_at=locked_at)


def record_success(state: LockoutState) -> LockoutState:
    """A completed login (password and factor) clears the counter; it never lifts a lock."""
    if state.locked:
        return state
    return replace(state, consecutive_failures=0)


def unlock(state: LockoutState, via: UnlockRoute) -> LockoutState:
    """Lift the lock after the customer was verified by `via`."""
    return LockoutState(consecutive_failures=0, locked_at=None, unlocked_via=via)
