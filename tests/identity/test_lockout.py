"""Lockout: N consecutive failures lock; only verification unlocks; the customer is told."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kozaguard.identity import lockout
from kozaguard.identity.errors import AccountLocked, FactorRejected
from kozaguard.identity.service import IdentityService

PASSWORD = "kumo-hashiru-7-sakana"


def test_pure_counter(clock):
    policy, state = lockout.LockoutPolicy(3), lockout.LockoutState()
    for _ in range(2):
        state = lockout.record_failure(state, policy, clock())
    assert not state.locked and state.remaining(policy) == 1
    assert lockout.record_success(state).consecutive_failures == 0
    state = lockout.record_failure(state, policy, clock())
    assert state.locked and lockout.record_success(state).locked
    state = lockout.unlock(state, lockout.UnlockRoute.STAFF)
    assert not state.locked and state.unlocked_via == "staff"


def test_five_failures_lock_by_default(service, customer, ctx, clock, notifier):
    for left in (4, 3, 2, 1):
        d = service.login("taro", "wrong-password", ctx)
        assert d.decision == "deny" and d.attempts_left == left and d.reasons == ("invalid_credentials",)
    d = service.login("taro", "wrong-password", ctx)
    assert d.decision == "lock" and "too_many_failures" in d.reasons
    notice = notifier.sent[-1]
    assert notice.kind == "account_locked" and notice.to == "taro@example.jp" and "ロック" in notice.body
    # the right password does not get through, and time alone does not unlock
    clock.advance(days=30)
    assert service.login("taro", PASSWORD, ctx).decision == "lock"


def test_threshold_is_configurable(store, notifier, settings, clock, ctx):
    svc = IdentityService(store, notifier, replace(settings, lockout_threshold=2), clock=clock)
    svc.register("jiro", PASSWORD, "jiro@example.jp", "090-0000-1111")
    assert svc.login("jiro", "nope", ctx).decision == "deny"
    assert svc.login("jiro", "nope", ctx).decision == "lock"


def test_success_resets_the_counter(service, login, ctx):
    for _ in range(4):
        service.login("taro", "wrong-password", ctx)
    login()
    assert service.login("taro", "wrong-password", ctx).attempts_left == 4


def test_second_factor_failures_count_too(service, customer, ctx):
    for _ in range(4):
        service.login("taro", "wrong-password", ctx)
    d = service.login("taro", PASSWORD, ctx)
    with pytest.raises(AccountLocked):
        service.verify_login(d.ticket, "email_otp", code="000000")
    assert service.login("taro", PASSWORD, ctx).decision == "lock"


def test_wrong_code_reports_attempts_left(service, customer, ctx):
    d = service.login("taro", PASSWORD, ctx)
    with pytest.raises(FactorRejected) as e:
        service.verify_login(d.ticket, "email_otp", code="000000")
    assert e.value.details["attempts_left"] == 4


def test_unlock_with_recovery_code_burns_it(service, login, ctx):
    codes = service.generate_recovery_codes(login())
    for _ in range(5):
        service.login("taro", "wrong-password", ctx)
    with pytest.raises(FactorRejected):
        service.unlock_with_recovery_code("taro", "AAAA-BBBB-CCCC", ctx)
    service.unlock_with_recovery_code("taro", codes[0].lower(), ctx)
    assert service.login("taro", PASSWORD, ctx).decision == "challenge"
    for _ in range(5):
        service.login("taro", "wrong-password", ctx)
    with pytest.raises(FactorRejected):
        service.unlock_with_recovery_code("taro", codes[0], ctx)


def test_staff_unlock(service, customer, ctx):
    for _ in range(5):
        service.login("taro", "wrong-password", ctx)
    service.staff_unlock(customer.customer_id, lockout.UnlockRoute.OUT_OF_BAND)
    assert service.store.get_lockout(customer.customer_id).unlocked_via == "out_of_band"
    assert service.login("taro", PASSWORD, ctx).decision == "challenge"
