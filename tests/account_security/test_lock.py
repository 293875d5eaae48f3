"""The lock state machine: temporary locks with increasing waits, permanent after repeated locks."""

from __future__ import annotations

import pytest

from kozaguard.account_security import lock
from kozaguard.account_security.lock import IllegalTransition, LockPolicy, LockState, LockStatus, UnlockRoute

HOUR = 3600.0
POLICY = LockPolicy(max_failures=3, first_wait=HOUR, max_wait=3 * HOUR, permanent_after=3)


def lock_once(state: LockState, at: float) -> LockState:
    for i in range(POLICY.max_failures):
        state = lock.record_failure(state, POLICY, at + i, "stranger")
    return state


def test_failures_lock_temporarily_then_longer_then_for_good():
    s = LockState()
    s = lock.record_failure(s, POLICY, 0.0, "d")
    s = lock.record_failure(s, POLICY, 1.0, "d")
    assert s.status is LockStatus.OPEN and s.remaining(POLICY) == 1
    s = lock.record_failure(s, POLICY, 2.0, "d")
    assert s.status is LockStatus.TEMPORARY and s.until == 2.0 + HOUR
    assert lock.current(s, 2.0 + HOUR - 1) is s  # still waiting
    s = lock.current(s, 2.0 + HOUR)
    assert s.status is LockStatus.OPEN and s.unlocked_by == "expiry" and s.locks == 1
    s = lock_once(s, 10 * HOUR)
    assert s.status is LockStatus.TEMPORARY and s.until - s.locked_at == 2 * HOUR  # the wait doubled
    s = lock_once(lock.current(s, 20 * HOUR), 20 * HOUR)
    assert s.status is LockStatus.PERMANENT and s.until is None
    assert lock.current(s, 1e12) is s  # a permanent lock never expires


def test_a_completed_login_clears_counts_but_never_a_lock():
    s = lock.record_failure(LockState(), POLICY, 0.0)
    assert lock.record_success(s) == LockState()
    locked = lock_once(LockState(), 0.0)
    assert lock.record_success(locked) is locked


def test_verified_unlock_clears_everything_expiry_keeps_the_count():
    s = lock_once(LockState(), 0.0)
    assert lock.unlock(s, UnlockRoute.RECOVERY_CODE, 1.0) == LockState(unlocked_by="recovery_code")
    assert lock.unlock(s, UnlockRoute.EXPIRY, 2 * HOUR).locks == 1


@pytest.mark.parametrize(
    ("state", "route", "at", "words"),
    [
        (LockState(), UnlockRoute.STAFF, 0.0, "from open to open"),
        (lock_once(LockState(), 0.0), UnlockRoute.EXPIRY, 10.0, "from locked_temporarily to open"),
        (LockState(failures=3, locks=3, locked_at=0.0), UnlockRoute.EXPIRY, 1e9, "from locked_permanently"),
    ],
)
def test_illegal_transitions_name_both_states(state, route, at, words):
    with pytest.raises(IllegalTransition, match=words):
        lock.unlock(state, route, at)


def test_a_locked_account_counts_no_failures():
    with pytest.raises(IllegalTransition, match="from locked_temporarily to a counted failure"):
        lock.record_failure(lock_once(LockState(), 0.0), POLICY, 5.0)


def test_the_lock_admits_only_the_customers_own_device_that_did_not_fail():
    s = lock_once(LockState(), 0.0)
    assert lock.admits(s, "home", familiar=True)
    assert not lock.admits(s, "stranger", familiar=True)  # it failed
    assert not lock.admits(s, "new-phone", familiar=False)
    assert not lock.admits(s, None, familiar=True)
    assert lock.admits(LockState(), None, familiar=False)


@pytest.mark.parametrize("bad", [{"max_failures": 0}, {"first_wait": 0}, {"first_wait": 10, "max_wait": 5}])
def test_policy_is_checked(bad):
    with pytest.raises(ValueError, match="lock:"):
        LockPolicy(**bad)
