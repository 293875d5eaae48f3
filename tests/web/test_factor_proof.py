"""Adding a factor needs proof: a stolen session alone cannot add a passkey, TOTP, SMS or recovery codes.

Measured on the old code: with only a session (what a real-time code relay gets) the attacker
registered his own passkey (201), logged in with it alone and passed the withdrawal step-up with it.
Through the real app, with the engine attached.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from authenticator import SoftAuthenticator
from doors import app_settings, key_header
from kozaguard.adapters.notify import OutboxNotifier
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app

PASSWORD = "kumo-hashiru-7-sakana"
ORIGIN = "http://localhost:8000"
HOME = ("126.10.20.30", 50000)
ATTACKER = ("8.8.8.8", 40000)  # a foreign hosting network


@pytest.fixture
def app(tmp_path):
    settings = app_settings(tmp_path, identity={"origins": [ORIGIN]}, store="sqlite", kind="dev-outbox")
    return create_app(settings)


def outbox(app):
    return OutboxNotifier(app.state.settings.notifier.outbox_path).read()


def code(app) -> str:
    return re.search(r"認証コード: (\d{6})", outbox(app)[-1].body).group(1)


def logged_in(app, client_address, *, register=False) -> TestClient:
    client = TestClient(app, client=client_address)
    if register:
        r = client.post(
            "/identity/customers",
            json={
                "login_id": "taro",
                "password": PASSWORD,
                "email": "taro@example.jp",
                "phone": "090-1234-5678",
            },
            headers=key_header(app, Scope.CUSTOMERS_WRITE),
        )
        assert r.status_code == 201
    r = client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD})
    r = client.post(
        "/identity/login/verify",
        json={"ticket": r.json()["ticket"], "method": "email_otp", "code": code(app)},
    )
    assert r.json()["decision"] == "allow", r.json()
    return client


def stolen(app, victim: TestClient) -> TestClient:
    """The attacker's own client holding only the victim's session cookie."""
    thief = TestClient(app, client=ATTACKER)
    thief.cookies.set("kz_session", victim.cookies.get("kz_session"))
    return thief


def prove(client: TestClient, app, method="email_otp", **answer) -> None:
    r = client.post("/identity/step-up", json={"action": "factor_enrolment"})
    assert r.status_code == 200
    if method == "email_otp":
        answer = {"code": code(app)}
    elif "auth" in answer:
        auth = answer.pop("auth")
        answer = {
            "credential": auth.get(r.json()["passkey_options"]),
            "challenge_id": r.json()["challenge_id"],
        }
    r = client.post(
        "/identity/step-up/verify", json={"action": "factor_enrolment", "method": method, **answer}
    )
    assert r.status_code == 200, r.json()


def register_passkey(client: TestClient, auth: SoftAuthenticator):
    r = client.post("/identity/passkeys/options")
    if r.status_code != 200:
        return r
    body = r.json()
    return client.post(
        "/identity/passkeys",
        json={"challenge_id": body["challenge_id"], "credential": auth.create(body["options"]), "name": "x"},
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/identity/passkeys/options"),
        ("post", "/identity/totp/enrol"),
        ("post", "/identity/sms/enrol"),
        ("post", "/identity/recovery-codes"),
    ],
)
def test_a_stolen_session_alone_adds_no_factor(app, method, path):
    victim = logged_in(app, HOME, register=True)
    thief = stolen(app, victim)
    r = getattr(thief, method)(path)
    assert r.status_code == 403 and r.json()["error"] == "step_up_required"
    assert r.json()["details"]["accepted"] == ["email_otp"]


def test_a_passkey_needs_a_passkey_where_one_exists(app):
    home = logged_in(app, HOME, register=True)
    mine = SoftAuthenticator()
    prove(home, app)
    assert register_passkey(home, mine).status_code == 201
    assert any(
        m.kind == "factor_changed" and "パスキー" in m.body and "http" not in m.body for m in outbox(app)
    )
    r = home.post("/identity/step-up", json={"action": "factor_enrolment"})
    assert r.json()["accepted"] == ["passkey"]
    # an e-mail code, even a relayed one, does not let the attacker's passkey in
    r = home.post(
        "/identity/step-up/verify",
        json={"action": "factor_enrolment", "method": "email_otp", "code": "123456"},
    )
    assert r.status_code == 401 and r.json()["error"] == "method_not_accepted"
    assert register_passkey(home, SoftAuthenticator()).status_code == 403
    prove(home, app, "passkey", auth=mine)
    assert register_passkey(home, SoftAuthenticator()).status_code == 201


def test_a_passkey_added_on_a_risky_session_waits_before_it_approves_a_withdrawal(app):
    logged_in(app, HOME, register=True)
    # a relayed login: the attacker's session from a foreign hosting network, the code relayed too
    thief = logged_in(app, ATTACKER)
    prove(thief, app)
    attackers = SoftAuthenticator()
    r = register_passkey(thief, attackers)
    assert r.status_code == 201
    stored = app.state.identity.store.list_passkeys(
        app.state.identity.store.find_customer("taro").customer_id
    )
    assert stored[0].probation_until is not None  # the engine saw auth.factor on a risky session
    r = thief.post("/identity/step-up", json={"action": "withdrawal"})
    step = r.json()
    r = thief.post(
        "/identity/step-up/verify",
        json={
            "action": "withdrawal",
            "method": "passkey",
            "credential": attackers.get(step["passkey_options"]),
            "challenge_id": step["challenge_id"],
        },
    )
    assert r.status_code == 401 and r.json()["error"] == "passkey_on_probation"
    assert (
        thief.post("/identity/actions/authorize", json={"action": "withdrawal"}).json()["decision"] != "allow"
    )


@pytest.mark.parametrize("credential", [{}, {"id": "x"}, {"response": "garbage"}, "not json"])
def test_a_garbage_passkey_answer_is_a_4xx(app, credential):
    home = logged_in(app, HOME, register=True)
    prove(home, app)
    cid = home.post("/identity/passkeys/options").json()["challenge_id"]
    r = home.post("/identity/passkeys", json={"challenge_id": cid, "credential": credential})
    assert 400 <= r.status_code < 500 and r.json()["field"]
