"""Step-up: the factor each action needs; contact changes notify the old contact and hold withdrawals."""

from __future__ import annotations

import pytest

from kozaguard.account_security.step_up import Action, Factor, authorize, required_factor
from kozaguard.identity import otp
from kozaguard.identity.errors import FactorRejected, StepUpRequired

ALL = [Factor.PASSKEY, Factor.TOTP, Factor.SMS, Factor.EMAIL_OTP]


@pytest.mark.parametrize("action", [Action.WITHDRAWAL, Action.BANK_ACCOUNT_CHANGE, Action.LOGIN])
def test_passkey_for_withdrawals_bank_accounts_and_login(action):
    r = required_factor(action, ALL)
    assert r.accepted == (Factor.PASSKEY,) and r.challenge == "passkey" and r.phishing_resistant
    assert r.reason == "phishing_resistant_required"


def test_strongest_enrolled_when_no_passkey():
    r = required_factor(Action.WITHDRAWAL, [Factor.SMS, Factor.TOTP])
    assert r.accepted == (Factor.TOTP,) and r.challenge == "otp" and r.reason == "passkey_not_enrolled"
    r = required_factor(Action.EMAIL_CHANGE, [Factor.SMS, Factor.EMAIL_OTP])
    assert set(r.accepted) == {Factor.SMS, Factor.EMAIL_OTP}
    r = required_factor(Action.TRADE, [])
    assert r.accepted == (Factor.EMAIL_OTP,) and r.reason == "no_factor_enrolled"


def test_authorize_pure(clock):
    now = clock().timestamp()
    d = authorize(Action.WITHDRAWAL, ALL, stepped_up_with=None, contact_changed_at=None, now=now)
    assert d.decision == "challenge" and d.factor == "passkey"
    d = authorize(Action.WITHDRAWAL, ALL, stepped_up_with=Factor.TOTP, contact_changed_at=None, now=now)
    assert d.decision == "challenge"
    d = authorize(Action.WITHDRAWAL, ALL, stepped_up_with=Factor.PASSKEY, contact_changed_at=None, now=now)
    assert d.decision == "allow"
    d = authorize(Action.WITHDRAWAL, ALL, stepped_up_with=Factor.PASSKEY, contact_changed_at=now, now=now)
    assert d.decision == "hold" and d.reasons == ("contact_changed_cooling_off",)
    d = authorize(Action.TRADE, ALL, stepped_up_with=None, contact_changed_at=now, now=now)
    assert d.decision == "challenge"


def test_email_change_needs_step_up_notifies_old_address_and_holds_withdrawals(
    service, login, clock, notifier
):
    token = login()
    with pytest.raises(StepUpRequired) as e:
        service.change_contact(token, "email", "new@example.jp")
    assert e.value.field == "action" and "step-up" in e.value.fix
    step = service.begin_step_up(token, Action.EMAIL_CHANGE)
    assert step.code_sent_to == "t***@e***"
    with pytest.raises(FactorRejected):
        service.verify_step_up(token, Action.EMAIL_CHANGE, "email_otp", code="000000")
    code = [m for m in notifier.sent if m.kind == "code_sent"][-1].body.split("認証コード: ")[1][:6]
    service.verify_step_up(token, Action.EMAIL_CHANGE, "email_otp", code=code)
    until = service.change_contact(token, "email", "new@example.jp")
    assert until == clock() + service.settings.cooling_off
    notice = notifier.sent[-1]
    assert notice.kind == "contact_changed" and notice.to == "taro@example.jp"
    assert "変更前の連絡先" in notice.body and "72時間" in notice.body
    assert service.customer_of(token).email == "new@example.jp"
    # the grant was used up
    with pytest.raises(StepUpRequired):
        service.change_contact(token, "email", "other@example.jp")
    # withdrawals held for 72 hours, whatever the step-up
    d = service.authorize(token, Action.WITHDRAWAL)
    assert d.decision == "hold" and d.held_until == until.timestamp()
    clock.advance(hours=71, minutes=59)
    token = login()  # sessions last 8 hours
    assert service.authorize(token, Action.WITHDRAWAL).decision == "hold"
    clock.advance(minutes=1)
    assert service.authorize(token, Action.WITHDRAWAL).decision == "challenge"


def test_phone_change_notifies_old_phone_by_sms_and_email(service, login, notifier, last_code):
    token = login()
    service.begin_step_up(token, Action.PHONE_CHANGE)
    service.verify_step_up(token, Action.PHONE_CHANGE, "email_otp", code=last_code())
    service.change_contact(token, "phone", "080-9999-0000")
    sent = [m for m in notifier.sent if m.kind == "contact_changed"]
    assert {(m.channel, m.to) for m in sent} == {("sms", "090-1234-5678"), ("email", "taro@example.jp")}


def test_withdrawal_with_passkey_step_up(service, login, enrol_passkey, authenticator):
    token = login()
    enrol_passkey(token, authenticator)
    assert service.authorize(token, Action.WITHDRAWAL).decision == "challenge"
    step = service.begin_step_up(token, Action.WITHDRAWAL)
    with pytest.raises(FactorRejected) as e:
        service.verify_step_up(token, Action.WITHDRAWAL, "email_otp", code="123456")
    assert e.value.code == "method_not_accepted"
    service.verify_step_up(
        token,
        Action.WITHDRAWAL,
        "passkey",
        credential=authenticator.get(step.passkey_options),
        challenge_id=step.challenge_id,
    )
    assert service.authorize(token, Action.WITHDRAWAL).decision == "allow"


def test_step_up_expires(service, login, clock):
    token = login()
    p = service.begin_totp(token)
    service.confirm_totp(token, otp.code_at(p.secret, clock().timestamp()))
    clock.advance(seconds=60)
    service.verify_step_up(token, Action.TRADE, "totp", code=otp.code_at(p.secret, clock().timestamp()))
    assert service.authorize(token, Action.TRADE).decision == "allow"
    clock.advance(minutes=6)
    assert service.authorize(token, Action.TRADE).decision == "challenge"
