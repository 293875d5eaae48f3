"""The policy enforced on the server, through the real HTTP app: more, never less; enrolment first."""

from __future__ import annotations

import pyotp
import pytest

from kozaguard.entrypoints.api.identity import router as identity_router
from kozaguard.entrypoints.api.identity import session_token
from mfakit import client_for, last_code, login_with_email, make_settings, policy, register

#: Routes a must-enrol session may call: finding out what to enrol, the enrolment itself, logout.
ENROLMENT_ROUTES = {
    ("GET", "/identity/enrolment"),
    ("POST", "/identity/logout"),
    ("POST", "/identity/step-up"),
    ("POST", "/identity/step-up/verify"),
    ("POST", "/identity/totp/enrol"),
    ("POST", "/identity/totp/confirm"),
    ("POST", "/identity/sms/enrol"),
    ("POST", "/identity/sms/confirm"),
    ("POST", "/identity/passkeys/options"),
    ("POST", "/identity/passkeys"),
}
BODIES = {
    "/identity/step-up": {"action": "trade"},
    "/identity/step-up/verify": {"action": "trade", "method": "email_otp", "code": "123456"},
    "/identity/actions/authorize": {"action": "trade"},
    "/identity/password": {"new_password": "sora-oyogu-9-kujira-umi"},
    "/identity/contact": {"field": "email", "value": "jiro@example.jp"},
    "/identity/totp/confirm": {"code": "123456"},
    "/identity/sms/confirm": {"code": "123456"},
    "/identity/passkeys": {"challenge_id": "x", "credential": {}},
    "/identity/passkey-only": {"on": True},
}


def _takes_session(dependant) -> bool:
    return any(d.call is session_token or _takes_session(d) for d in dependant.dependencies)


def _session_routes():
    for route in identity_router.routes:
        if getattr(route, "dependant", None) is not None and _takes_session(route.dependant):
            for method in route.methods:
                yield method, route.path


def test_must_enrol_session_can_only_enrol(tmp_path):
    settings = make_settings(tmp_path, policy("registered", days_ago=30, grace=10))
    client = client_for(settings)
    register(client)
    answer = login_with_email(client, settings)
    assert "enrolment_required" in answer["login"]["reasons"]
    routes = sorted(_session_routes())
    assert len(routes) >= 15  # every customer route is in the list
    for method, path in routes:
        if (method, path) in ENROLMENT_ROUTES:
            continue
        url = path.replace("{credential_id}", "AAAA")
        r = client.request(method, url, json=BODIES.get(path))
        assert r.status_code == 403 and r.json()["error"] == "enrolment_required", (method, path, r.text)
    # the pages send the customer to enrolment
    r = client.get("/identity/pages/activity", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/identity/pages/enrol"
    assert client.get("/identity/enrolment").json()["must_enrol"] == "registered"
    # step-up for enrolment with the e-mail code, a TOTP, and the session is free
    r = client.post("/identity/step-up", json={"action": "factor_enrolment"})
    assert r.status_code == 200, r.text
    r = client.post(
        "/identity/step-up/verify",
        json={"action": "factor_enrolment", "method": "email_otp", "code": last_code(settings)},
    )
    assert r.status_code == 200, r.text
    secret = client.post("/identity/totp/enrol").json()["secret"]
    assert client.get("/identity/me").status_code == 403  # not yet: the factor is not confirmed
    r = client.post("/identity/totp/confirm", json={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 200, r.text
    assert client.get("/identity/enrolment").json()["must_enrol"] is None
    assert client.get("/identity/me").status_code == 200
    # the next login asks for the registered factor: the e-mail code is no longer accepted
    client.post("/identity/logout")
    d = client.post("/identity/login", json={"login_id": "taro", "password": "kumo-hashiru-7-sakana"}).json()
    assert d["methods"] == ["totp", "recovery_code"] and "policy_registered" in d["reasons"]
    r = client.post(
        "/identity/login/verify", json={"ticket": d["ticket"], "method": "email_otp", "code": "1"}
    )
    assert r.status_code == 401 and r.json()["error"] == "method_not_accepted"


def test_before_the_deadline_a_reminder_and_the_old_rules(tmp_path):
    settings = make_settings(tmp_path, policy("registered", days_ago=2, grace=10))
    client = client_for(settings)
    register(client)
    answer = login_with_email(client, settings)
    assert "enrolment_required" not in answer["login"]["reasons"]
    assert client.get("/identity/me").status_code == 200
    from kozaguard.adapters.notify import OutboxNotifier

    reminders = [
        m for m in OutboxNotifier(settings.notifier.outbox_path).read() if m.kind == "policy_reminder"
    ]
    assert len(reminders) == 1 and "http" not in reminders[0].body and "登録" in reminders[0].body
    login_with_email(client, settings)  # the same scheduled reminder is not sent twice
    again = [m for m in OutboxNotifier(settings.notifier.outbox_path).read() if m.kind == "policy_reminder"]
    assert len(again) == 1


@pytest.mark.parametrize("with_policy", [False, True])
def test_policy_can_only_add_a_factor_to_risk_based_login(tmp_path, with_policy):
    """Risk-based login lets a known device in without a factor; a login rule in force does not."""
    settings = make_settings(tmp_path, policy("any") if with_policy else None, mfa_at_login=False)
    client = client_for(settings)
    register(client)
    login_with_email(client, settings)  # the device becomes known
    client.post("/identity/logout")
    r = client.post("/identity/login", json={"login_id": "taro", "password": "kumo-hashiru-7-sakana"})
    assert r.json()["decision"] == ("challenge" if with_policy else "allow"), r.json()


def test_a_channel_cannot_weaken_the_web_rules(tmp_path):
    """The client names its channel: naming `api` (with no rules) must not skip the web rules."""
    settings = make_settings(tmp_path, policy("registered"))
    client = client_for(settings)
    register(client)
    r = client.post(
        "/identity/login",
        json={"login_id": "taro", "password": "kumo-hashiru-7-sakana"},
        headers={"X-Kozaguard-Channel": "api"},
    )
    assert "enrolment_required" in r.json()["reasons"]


def test_step_up_for_a_policy_action_is_refused_until_enrolment(tmp_path):
    """Withdrawal needs a passkey past the deadline: a TOTP customer is told to enrol, not let in."""
    p = {"name": "t", "channels": {"web": {"withdrawal": {"factor": "passkey", "from": "2020-01-01"}}}}
    settings = make_settings(tmp_path, p)
    client = client_for(settings)
    register(client)
    login_with_email(client, settings)
    r = client.post("/identity/step-up", json={"action": "withdrawal"})
    assert r.status_code == 403 and r.json()["error"] == "enrolment_required"
    r = client.post("/identity/actions/authorize", json={"action": "withdrawal"})
    assert r.json()["decision"] == "challenge" and "enrolment_required" in r.json()["reasons"]
    assert client.post("/identity/step-up", json={"action": "trade"}).status_code == 200


def test_email_fallback_keeps_customers_without_a_registered_factor_in(tmp_path):
    """Mizuho's model: past the deadline, a customer with only the e-mail code logs in with it."""
    settings = make_settings(tmp_path, policy("registered", email_fallback=True))
    client = client_for(settings)
    register(client)
    answer = login_with_email(client, settings)
    assert (
        "email_fallback" in answer["login"]["reasons"]
        and "enrolment_required" not in answer["login"]["reasons"]
    )
    assert client.get("/identity/me").status_code == 200
