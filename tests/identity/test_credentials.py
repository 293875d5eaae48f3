"""Passwords (argon2id, rehash, strength, common list), one-time codes and recovery codes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kozaguard.identity import codes, passwords, recovery
from kozaguard.identity.errors import AccountLocked, FactorRejected, WeakPassword
from kozaguard.identity.passwords import Argon2Parameters, Passwords
from kozaguard.identity.service import IdentityService

FAST = Argon2Parameters(time_cost=1, memory_cost_kib=1024, parallelism=1)
GOOD = "kumo-hashiru-7-sakana"


def test_argon2id_hash_and_verify():
    p = Passwords(FAST)
    h = p.hash(GOOD)
    assert h.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    assert p.verify(h, GOOD) and not p.verify(h, GOOD + "x") and not p.verify("garbage", GOOD)
    assert not p.needs_rehash(h)
    assert Passwords(Argon2Parameters(time_cost=2, memory_cost_kib=1024, parallelism=1)).needs_rehash(h)


def test_login_rehashes_after_a_parameter_change(store, notifier, settings, clock, ctx):
    from dataclasses import replace

    old = IdentityService(store, notifier, settings, clock=clock)
    c = old.register("taro", GOOD, "taro@example.jp", "090-1234-5678")
    assert "t=1" in c.password_hash
    new = IdentityService(store, notifier, replace(settings, argon2=replace(FAST, time_cost=2)), clock=clock)
    assert new.login("taro", "wrong-password", ctx).decision == "deny"
    assert "t=1" in store.get_customer(c.customer_id).password_hash
    assert new.login("taro", GOOD, ctx).decision == "challenge"
    assert "t=2" in store.get_customer(c.customer_id).password_hash


def test_common_list_ships_offline():
    common = passwords.common_passwords()
    assert len(common) >= 30000 and "password" in common and "123456" in common
    assert passwords.is_common("  QWERTY ")


@pytest.mark.parametrize(
    "password,code",
    [
        ("short", "password_too_short"),
        ("password1234", "password_common"),
        ("taro.yamada1", "password_weak"),
        ("aaaaaaaaaaaa", "password_weak"),
        ("x" * 129, "password_too_long"),
    ],
)
def test_weak_passwords_are_refused_in_both_languages(password, code):
    with pytest.raises(WeakPassword) as e:
        passwords.check_strength(password, user_inputs=("taro.yamada", "taro@example.jp"))
    assert e.value.code == code and e.value.field == "password"
    assert e.value.message and e.value.message_ja and e.value.fix
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in e.value.message_ja)


def test_strong_password_passes():
    assert passwords.check_strength(GOOD) >= 3


def test_one_time_code_hashed_single_use_expiring_limited(clock):
    code, stored = codes.issue(codes.Channel.EMAIL, "login", clock())
    assert code not in stored.digest and stored.expires_at - clock() == timedelta(minutes=5)
    outcome, after = codes.check(stored, "000000" if code != "000000" else "111111", clock())
    assert outcome is codes.CodeCheck.WRONG and after.attempts_left == 2
    assert codes.check(after, code, clock())[0] is codes.CodeCheck.OK
    assert codes.check(stored, code, clock() + timedelta(minutes=5))[0] is codes.CodeCheck.EXPIRED
    state = stored
    for _ in range(3):
        outcome, state = codes.check(state, "x", clock())
    assert outcome is codes.CodeCheck.EXHAUSTED
    assert codes.check(state, code, clock())[0] is codes.CodeCheck.EXHAUSTED


def test_service_codes_single_use_and_expiry(service, customer, ctx, clock, last_code):
    d = service.login("taro", GOOD, ctx)
    code = last_code()
    clock.advance(minutes=5)
    with pytest.raises(FactorRejected) as e:
        service.verify_login(d.ticket, "email_otp", code=code)
    assert e.value.code == "code_expired"
    service.send_login_code(d.ticket, "email_otp")
    code = last_code()
    for left in (2, 1):
        with pytest.raises(FactorRejected) as e:
            service.verify_login(d.ticket, "email_otp", code="99999" + str((int(code[-1]) + 1) % 10))
        assert e.value.details["code_attempts_left"] == left
    with pytest.raises(FactorRejected) as e:
        service.verify_login(d.ticket, "email_otp", code="abcdef")
    assert e.value.code == "code_exhausted"
    # the used-up code is gone; that is the fifth failure in a row, so the account locks
    with pytest.raises(AccountLocked) as e:
        service.verify_login(d.ticket, "email_otp", code=code)
    assert isinstance(e.value.__cause__, FactorRejected) and e.value.__cause__.code == "code_missing"


def test_sms_enrolment(service, login, notifier, last_code, ctx):
    token = login()
    assert service.begin_sms(token) == "***5678"
    assert notifier.sent[-1].channel == "sms" and notifier.sent[-1].to == "090-1234-5678"
    service.confirm_sms(token, last_code())
    assert "sms" in service.enrolled(service.customer_of(token))


def test_recovery_codes_shown_once_hashed_and_burned(clock):
    plain, stored = recovery.generate()
    assert len(plain) == 10 and len(set(plain)) == 10
    assert all(p.replace("-", "") not in s.digest for p, s in zip(plain, stored, strict=True))
    burned = recovery.burn(stored, plain[3].lower().replace("-", " "), clock())
    assert burned is not None and recovery.remaining(burned) == 9
    assert recovery.burn(burned, plain[3], clock()) is None


def test_recovery_code_logs_in_once_and_regeneration_needs_step_up(service, login, ctx):
    token = login()
    codes_ = service.generate_recovery_codes(token)
    assert service.recovery_codes_left(token) == 10
    d = service.login("taro", GOOD, ctx)
    assert "recovery_code" in d.methods
    assert service.verify_login(d.ticket, "recovery_code", code=codes_[0]).decision == "allow"
    d = service.login("taro", GOOD, ctx)
    with pytest.raises(FactorRejected):
        service.verify_login(d.ticket, "recovery_code", code=codes_[0])
    from kozaguard.identity.errors import StepUpRequired

    with pytest.raises(StepUpRequired):
        service.generate_recovery_codes(token)
