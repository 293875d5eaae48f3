"""Lockout in the identity service: failures lock temporarily, the customer is told, answers stay uniform."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kozaguard.account_security.lock import LockPolicy, LockStatus, UnlockRoute
from kozaguard.identity.errors import AccountLocked, Conflict, FactorRejected
from kozaguard.identity.models import LoginContext
from kozaguard.identity.ratelimit import LoginRateLimiter, RateLimitPolicy
from kozaguard.identity.service import IdentityService

PASSWORD = "kumo-hashiru-7-sakana"
STRANGER = LoginContext(ip="203.0.113.9", user_agent="curl/8", device_id="attacker")


def lock_state(service, login_id="taro"):
    return service.store.get_lockout(service.store.find_customer(login_id).customer_id)


def test_five_failures_lock_temporarily_and_the_customer_is_told(service, customer, clock, notifier):
    for _ in range(4):
        d = service.login("taro", "wrong-password", STRANGER)
        assert d.decision == "deny" and d.reasons == ("invalid_credentials",) and d.attempts_left is None
    d = service.login("taro", "wrong-password", STRANGER)
    assert d.decision == "deny" and d.reasons == ("invalid_credentials",)  # the same answer as before
    assert lock_state(service).status is LockStatus.TEMPORARY
    notice = notifier.sent[-1]
    assert notice.kind == "account_locked" and notice.to == "taro@example.jp" and "ロック" in notice.body
    # the right password from the stranger's device does not get through; after the wait it does
    assert service.login("taro", PASSWORD, STRANGER).decision == "deny"
    clock.advance(hours=1)
    assert service.login("taro", PASSWORD, STRANGER).decision == "challenge"


def test_unknown_and_locked_ids_answer_like_a_wrong_password(service, customer):
    for _ in range(5):
        service.login("taro", "wrong-password", STRANGER)
    answers = {
        service.login(login_id, password, STRANGER)
        for login_id, password in (("taro", PASSWORD), ("taro", "nope"), ("nobody", "nope"))
    }
    assert len(answers) == 1 and answers.pop().reasons == ("invalid_credentials",)


def test_threshold_is_configurable(store, notifier, settings, clock, ctx):
    svc = IdentityService(store, notifier, replace(settings, lock=LockPolicy(max_failures=2)), clock=clock)
    svc.register("jiro", PASSWORD, "jiro@example.jp", "090-0000-1111")
    svc.login("jiro", "nope", ctx)
    assert not lock_state(svc, "jiro").locked
    svc.login("jiro", "nope", ctx)
    assert lock_state(svc, "jiro").locked


def test_success_resets_the_counter(service, login, ctx):
    for _ in range(4):
        service.login("taro", "wrong-password", ctx)
    login()
    service.login("taro", "wrong-password", ctx)
    assert lock_state(service).failures == 1


def test_second_factor_failures_count_too(service, customer, ctx):
    for _ in range(4):
        service.login("taro", "wrong-password", ctx)
    d = service.login("taro", PASSWORD, ctx)
    with pytest.raises(AccountLocked):
        service.verify_login(d.ticket, "email_otp", code="000000")
    assert lock_state(service).locked


def test_wrong_code_reports_code_attempts_left(service, customer, ctx):
    d = service.login("taro", PASSWORD, ctx)
    with pytest.raises(FactorRejected) as e:
        service.verify_login(d.ticket, "email_otp", code="000000")
    assert e.value.details["code_attempts_left"] == 2


def test_unlock_with_recovery_code_burns_it(service, login, ctx):
    service.rate_limiter = LoginRateLimiter(RateLimitPolicy(per_account="100/minute"))
    codes = service.generate_recovery_codes(login())
    for _ in range(5):
        service.login("taro", "wrong-password", STRANGER)
    with pytest.raises(FactorRejected):
        service.unlock_with_recovery_code("taro", "AAAA-BBBB-CCCC", ctx)
    service.unlock_with_recovery_code("taro", codes[0].lower(), ctx)
    assert lock_state(service).unlocked_by == "recovery_code"
    assert service.login("taro", PASSWORD, STRANGER).decision == "challenge"
    for _ in range(5):
        service.login("taro", "wrong-password", STRANGER)
    with pytest.raises(FactorRejected):
        service.unlock_with_recovery_code("taro", codes[0], ctx)


def test_staff_unlock(service, customer, ctx):
    with pytest.raises(Conflict):
        service.staff_unlock(customer.customer_id)
    for _ in range(5):
        service.login("taro", "wrong-password", STRANGER)
    service.staff_unlock(customer.customer_id, UnlockRoute.OUT_OF_BAND)
    assert lock_state(service).unlocked_by == "out_of_band"
    assert service.login("taro", PASSWORD, STRANGER).decision == "challenge"


def test_a_lock_ends_every_session_and_a_password_change_the_others(service, login, last_code):
    from kozaguard.account_security.step_up import Action
    from kozaguard.identity.errors import NotAuthenticated

    here, there = login(stepped_up=False), login(stepped_up=False)
    service.begin_step_up(here, Action.PASSWORD_CHANGE)
    service.verify_step_up(here, Action.PASSWORD_CHANGE, "email_otp", code=last_code())
    service.change_password(here, "sora-tobu-9-kujira-umi")
    service.session(here)
    with pytest.raises(NotAuthenticated):
        service.session(there)
    for _ in range(5):
        service.login("taro", "wrong-password", STRANGER)
    with pytest.raises(NotAuthenticated):
        service.session(here)
