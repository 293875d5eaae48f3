"""The account lock: a state machine with legal transitions only (JSDA: the automatic lock is kept).

Modelled on Keycloak's brute-force detection. `max_failures` consecutive failures counted against
the account lock it *temporarily*; each further temporary lock since the last completed login waits
longer (`first_wait`, doubled each time, at most `max_wait`); the `permanent_after`-th lock in a row
is permanent and only a recovery code or staff lifts it. A temporary lock ends by expiry too.

A lock never stops the customer's own device: a device the account completed a login on, which
did not take part in the failures, may still try its right password (and then its second factor).
Strangers' failures therefore cannot lock the customer out, however often they are repeated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

#: Devices remembered per lock (the ones whose failures caused it).
FAILING_DEVICES = 8


class LockStatus(StrEnum):
    OPEN = "open"
    TEMPORARY = "locked_temporarily"
    PERMANENT = "locked_permanently"


class UnlockRoute(StrEnum):
    """How a lock ends; the first three are `account.unlocked`'s `by` values."""

    RECOVERY_CODE = "recovery_code"
    STAFF = "staff"
    EXPIRY = "expiry"
    OUT_OF_BAND = "out_of_band"  # staff verified the customer by phone or documents

    @property
    def event_by(self) -> str:
        """The contract's `by` for this route (out-of-band verification is done by staff)."""
        return "staff" if self is UnlockRoute.OUT_OF_BAND else str(self)


class IllegalTransition(ValueError):
    """A lock transition the state machine does not allow; names both states."""

    def __init__(self, current: LockStatus, wanted: str, why: str) -> None:
        super().__init__(f"lock: cannot go from {current} to {wanted}: {why}")
        self.current, self.wanted = current, wanted


@dataclass(frozen=True)
class LockPolicy:
    max_failures: int = 5
    first_wait: float = 3600.0  # seconds
    max_wait: float = 24 * 3600.0
    permanent_after: int = 4

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.permanent_after < 1:
            raise ValueError("lock: max_failures and permanent_after must be at least 1")
        if not 0 < self.first_wait <= self.max_wait:
            raise ValueError("lock: need 0 < first_wait <= max_wait")

    def wait(self, lock_number: int) -> float | None:
        """How long the `lock_number`-th lock in a row lasts; None for a permanent one.

        >>> p = LockPolicy()
        >>> [p.wait(n) for n in (1, 2, 3, 4)]
        [3600.0, 7200.0, 14400.0, None]
        """
        if lock_number >= self.permanent_after:
            return None
        return min(self.max_wait, self.first_wait * 2 ** (lock_number - 1))


@dataclass(frozen=True)
class LockState:
    """Consecutive failures, locks since the last completed login, and the current lock if any."""

    failures: int = 0
    locks: int = 0
    locked_at: float | None = None
    until: float | None = None  # end of a temporary lock; None while locked means permanent
    unlocked_by: str | None = None
    failing_devices: tuple[str, ...] = ()
    #: Locked by staff (a takeover confirmed): no device is let through, however familiar.
    by_staff: bool = False

    @property
    def status(self) -> LockStatus:
        """The state as stored (an expired temporary lock still reads as locked: see `current`)."""
        if self.locked_at is None:
            return LockStatus.OPEN
        return LockStatus.PERMANENT if self.until is None else LockStatus.TEMPORARY

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    def remaining(self, policy: LockPolicy) -> int:
        """Failures left before the next lock."""
        return max(0, policy.max_failures - self.failures)


def current(state: LockState, now: float) -> LockState:
    """The state at `now`: a temporary lock whose wait is over has expired."""
    if state.status is LockStatus.TEMPORARY and state.until is not None and now >= state.until:
        return unlock(state, UnlockRoute.EXPIRY, now)
    return state


def record_failure(
    state: LockState, policy: LockPolicy, now: float, device_id: str | None = None
) -> LockState:
    """One more failure counted against the account (open accounts only); locks at `max_failures`.

    >>> p = LockPolicy(max_failures=2)
    >>> s = record_failure(record_failure(LockState(), p, 0.0), p, 1.0)
    >>> s.status, s.until
    (<LockStatus.TEMPORARY: 'locked_temporarily'>, 3601.0)
    """
    if state.locked:
        raise IllegalTransition(state.status, "a counted failure", "a locked account counts no failures")
    devices = state.failing_devices
    if device_id and device_id not in devices:
        devices = (*devices, device_id)[-FAILING_DEVICES:]
    failures = state.failures + 1
    if failures < policy.max_failures:
        return replace(state, failures=failures, failing_devices=devices)
    locks = state.locks + 1
    wait = policy.wait(locks)
    return LockState(
        failures=failures,
        locks=locks,
        locked_at=now,
        until=None if wait is None else now + wait,
        failing_devices=devices,
    )


def record_success(state: LockState) -> LockState:
    """A completed login clears the counters of an open account; it never lifts a lock."""
    if state.locked:
        return state
    return LockState()


def unlock(state: LockState, route: UnlockRoute | str, now: float) -> LockState:
    """Lift the lock: by recovery code or staff at any time, by expiry once a temporary wait is over.

    Expiry keeps the count of locks, so the next lock waits longer; a verified unlock clears it.
    """
    route = UnlockRoute(route)
    if not state.locked:
        raise IllegalTransition(state.status, LockStatus.OPEN, "the account is not locked")
    if route is UnlockRoute.EXPIRY:
        if state.until is None:
            raise IllegalTransition(state.status, LockStatus.OPEN, "a permanent lock never expires")
        if now < state.until:
            raise IllegalTransition(state.status, LockStatus.OPEN, "the wait is not over yet")
        return LockState(locks=state.locks, unlocked_by=str(route))
    return LockState(unlocked_by=str(route))


def staff_lock(state: LockState, now: float) -> LockState:
    """Staff lock the account (a confirmed takeover): permanent, for every device, until verified.

    >>> s = staff_lock(LockState(), 0.0)
    >>> s.status, admits(s, "own-phone", familiar=True)
    (<LockStatus.PERMANENT: 'locked_permanently'>, False)
    """
    return LockState(failures=state.failures, locks=state.locks + 1, locked_at=now, until=None, by_staff=True)


def admits(state: LockState, device_id: str | None, familiar: bool) -> bool:
    """Whether a right password from this device may go on while the account is locked.

    Open accounts admit everyone; a lock admits only a familiar device that did not fail.
    """
    if not state.locked:
        return True
    if state.by_staff:
        return False
    return bool(familiar and device_id and device_id not in state.failing_devices)
