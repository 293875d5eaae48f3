"""Passkeys: registration and login with user verification, origin and RP ID binding, counters."""

from __future__ import annotations

import pytest

from kozaguard.account_security.step_up import Action
from kozaguard.identity.errors import FactorRejected, StepUpRequired


def _login_with(service, auth, ctx, **kw):
    challenge_id, options = service.login_passkey_options()
    return service.login_with_passkey(challenge_id, auth.get(options, **kw), ctx)


def test_register_then_log_in_with_passkey_alone(service, login, enrol_passkey, authenticator, ctx, notifier):
    token = login()
    pk = enrol_passkey(token, authenticator, "自宅のPC")
    assert pk.name == "自宅のPC" and pk.sign_count == 0
    assert notifier.sent[-1].kind == "factor_changed" and "パスキー" in notifier.sent[-1].body
    d = _login_with(service, authenticator, ctx)
    assert d.decision == "allow" and d.session and "passed_passkey" in d.reasons
    assert service.list_passkeys(d.session)[0].sign_count == 1


def test_password_login_then_requires_the_passkey(service, login, enrol_passkey, authenticator, ctx):
    token = login()
    enrol_passkey(token, authenticator)
    d = service.login("taro", "kumo-hashiru-7-sakana", ctx)
    assert d.decision == "challenge" and d.factor == "passkey"
    assert "phishing_resistant_required" in d.reasons
    with pytest.raises(FactorRejected) as e:
        service.verify_login(d.ticket, "email_otp", code="123456")
    assert e.value.code == "method_not_accepted"
    challenge_id, options = service.login_passkey_options(d.ticket)
    out = service.verify_login(
        d.ticket, "passkey", credential=authenticator.get(options), challenge_id=challenge_id
    )
    assert out.decision == "allow"


def test_wrong_origin_is_rejected(service, login, enrol_passkey, authenticator, ctx):
    enrol_passkey(login(), authenticator)
    with pytest.raises(FactorRejected) as e:
        _login_with(service, authenticator, ctx, origin="https://kozaguard-login.example")
    assert e.value.code == "passkey_rejected" and "origin" in e.value.message.lower()


def test_wrong_origin_at_registration_is_rejected(service, login, authenticator):
    token = login()
    challenge_id, options = service.passkey_registration_options(token)
    with pytest.raises(FactorRejected):
        service.register_passkey(
            token, challenge_id, authenticator.create(options, origin="http://evil.test")
        )


def test_wrong_rp_id_is_rejected(service, login, enrol_passkey, authenticator, ctx):
    enrol_passkey(login(), authenticator)
    challenge_id, options = service.login_passkey_options()
    options = {**options, "rpId": "phish.example"}
    with pytest.raises(FactorRejected):
        service.login_with_passkey(challenge_id, authenticator.get(options), ctx)


def test_user_verification_is_required(service, login, enrol_passkey, authenticator, ctx):
    enrol_passkey(login(), authenticator)
    authenticator.user_verified = False
    with pytest.raises(FactorRejected) as e:
        _login_with(service, authenticator, ctx)
    assert "verif" in e.value.message.lower()


def test_registration_without_user_verification_is_rejected(service, login, authenticator):
    token = login()
    authenticator.user_verified = False
    challenge_id, options = service.passkey_registration_options(token)
    with pytest.raises(FactorRejected):
        service.register_passkey(token, challenge_id, authenticator.create(options))


def test_regressed_sign_count_is_rejected(service, login, enrol_passkey, authenticator, ctx):
    enrol_passkey(login(), authenticator)
    _login_with(service, authenticator, ctx, sign_count=7)
    with pytest.raises(FactorRejected) as e:
        _login_with(service, authenticator, ctx, sign_count=5)
    assert e.value.code == "passkey_counter_regressed"
    with pytest.raises(FactorRejected) as e:
        _login_with(service, authenticator, ctx, sign_count=7)
    assert e.value.code == "passkey_counter_regressed"
    assert _login_with(service, authenticator, ctx, sign_count=8).decision == "allow"


def test_challenge_is_single_use(service, login, enrol_passkey, authenticator, ctx):
    enrol_passkey(login(), authenticator)
    challenge_id, options = service.login_passkey_options()
    service.login_with_passkey(challenge_id, authenticator.get(options), ctx)
    with pytest.raises(FactorRejected) as e:
        service.login_with_passkey(challenge_id, authenticator.get(options), ctx)
    assert e.value.code == "challenge_invalid"


def test_several_passkeys_and_removal_needs_step_up(
    service, login, enrol_passkey, new_authenticator, ctx, notifier
):
    token = login()
    phone, laptop = new_authenticator(), new_authenticator()
    enrol_passkey(token, phone, "スマートフォン")
    with pytest.raises(StepUpRequired) as e:  # a second passkey needs the first one's proof
        service.passkey_registration_options(token)
    assert e.value.details["accepted"] == ["passkey"]
    enrol_passkey(token, laptop, "ノートPC", prover=phone)
    assert [p.name for p in service.list_passkeys(token)] == ["スマートフォン", "ノートPC"]
    assert _login_with(service, laptop, ctx).decision == "allow"
    assert _login_with(service, phone, ctx).decision == "allow"

    target = service.list_passkeys(token)[0]
    with pytest.raises(StepUpRequired) as e:
        service.remove_passkey(token, target.credential_id)
    assert e.value.details["accepted"] == ["passkey"]
    step = service.begin_step_up(token, Action.FACTOR_REMOVAL)
    assert step.requirement.strongest == "passkey" and step.passkey_options
    service.verify_step_up(
        token,
        Action.FACTOR_REMOVAL,
        "passkey",
        credential=laptop.get(step.passkey_options),
        challenge_id=step.challenge_id,
    )
    service.remove_passkey(token, target.credential_id)
    assert [p.name for p in service.list_passkeys(token)] == ["ノートPC"]
    assert notifier.sent[-1].kind == "factor_changed" and "削除" in notifier.sent[-1].body
    with pytest.raises(FactorRejected):
        _login_with(service, phone, ctx)


def test_unknown_passkey_is_rejected(service, login, authenticator, ctx):
    login()
    with pytest.raises(FactorRejected) as e:
        _login_with(service, authenticator, ctx)
    assert e.value.code == "passkey_unknown"


def test_expired_challenges_are_purged(service, clock):
    first, _ = service.login_passkey_options()
    clock.advance(minutes=11)
    service.login_passkey_options()
    assert service.store.pop_challenge(first) is None
