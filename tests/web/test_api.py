"""The HTTP API and the customer pages through FastAPI's test client, over the SQLite store."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from doors import app_settings, key_header, staff_client
from kozaguard.adapters.notify import OutboxNotifier
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app
from kozaguard.identity import otp

PASSWORD = "kumo-hashiru-7-sakana"


@pytest.fixture
def settings(tmp_path):
    return app_settings(
        tmp_path, store="sqlite", kind="dev-outbox", cases_db=f"sqlite:{tmp_path / 'cases.sqlite'}"
    )


@pytest.fixture
def client(settings):
    app = create_app(settings)
    return TestClient(app, headers=key_header(app, Scope.CUSTOMERS_WRITE))


def last_code(settings) -> str:
    body = OutboxNotifier(settings.notifier.outbox_path).read()[-1].body
    return re.search(r"認証コード: (\d{6})", body).group(1)


def register_and_login(client, settings) -> str:
    r = client.post(
        "/identity/customers",
        json={"login_id": "taro", "password": PASSWORD, "email": "taro@example.jp", "phone": "090-1234-5678"},
    )
    assert r.status_code == 201
    r = client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD})
    body = r.json()
    assert r.status_code == 200 and body["decision"] == "challenge" and body["factor"] == "otp"
    r = client.post(
        "/identity/login/verify",
        json={"ticket": body["ticket"], "method": "email_otp", "code": last_code(settings)},
    )
    assert r.status_code == 200 and r.json()["decision"] == "allow"
    assert client.cookies.get("kz_session") == r.json()["session"]
    return r.json()["session"]


def test_errors_name_the_field_and_the_fix(client):
    r = client.post(
        "/identity/customers",
        json={
            "login_id": "taro",
            "password": "password123",
            "email": "taro@example.jp",
            "phone": "090-1234-5678",
        },
    )
    assert r.status_code == 422
    body = r.json()
    assert (
        body["error"] == "password_common"
        and body["field"] == "password"
        and body["fix"]
        and body["message_ja"]
    )
    r = client.post("/identity/customers", json={"login_id": "taro"})
    assert r.status_code == 422 and r.json()["error"] == "invalid_request" and r.json()["field"] == "password"
    r = client.get("/identity/me")
    assert r.status_code == 401 and r.json()["field"] == "session"
    r = client.post("/identity/step-up", json={"action": "teleport"}, headers={"Authorization": "Bearer x"})
    assert r.status_code == 422 and r.json()["field"] == "action"


def test_login_decisions_and_lock(client, settings):
    register_and_login(client, settings)
    client.cookies.clear()
    for _ in range(4):
        r = client.post("/identity/login", json={"login_id": "taro", "password": "nope"})
        assert r.status_code == 401 and r.json()["decision"] == "deny"
    r = client.post("/identity/login", json={"login_id": "taro", "password": "nope"})
    assert r.status_code == 401 and r.json()["decision"] == "deny"  # locked now, but the answer is uniform
    r = client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD})
    assert r.status_code == 401 and r.json()["reasons"] == ["invalid_credentials"]
    me_id = create_customer_id(client, settings)
    r = client.post(f"/staff/customers/{me_id}/unlock", data={"verified_by": "phone"})
    assert r.status_code == 401  # a customer's client is no staff member
    staff = staff_client(client.app, "analyst")
    r = staff.post(f"/staff/customers/{me_id}/unlock", data={"verified_by": "phone"})
    assert r.status_code == 200 and "ロックを解除しました" in r.text
    assert (
        client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD}).json()["decision"]
        == "challenge"
    )


def prove(client, settings) -> None:
    """Pass the e-mail-code step-up that adding a factor needs."""
    r = client.post("/identity/step-up", json={"action": "factor_enrolment"})
    assert r.status_code == 200 and r.json()["accepted"] == ["email_otp"]
    r = client.post(
        "/identity/step-up/verify",
        json={"action": "factor_enrolment", "method": "email_otp", "code": last_code(settings)},
    )
    assert r.status_code == 200


def create_customer_id(client, settings) -> str:
    return client.app.state.identity.store.find_customer("taro").customer_id


def test_totp_enrol_step_up_and_contact_change(client, settings):
    token = register_and_login(client, settings)
    assert client.post("/identity/totp/enrol").json()["error"] == "step_up_required"
    prove(client, settings)
    r = client.post("/identity/totp/enrol")
    secret = r.json()["secret"]
    assert r.json()["qr_svg"].startswith("<svg")
    now = client.app.state.identity.clock().timestamp()
    assert client.post("/identity/totp/confirm", json={"code": otp.code_at(secret, now)}).status_code == 200
    assert client.get("/identity/me").json()["factors"] == ["totp", "email_otp"]
    r = client.put("/identity/contact", json={"field": "email", "value": "new@example.jp"})
    assert r.status_code == 403 and r.json()["error"] == "step_up_required"
    r = client.post("/identity/step-up", json={"action": "email_change"})
    assert r.json()["accepted"] == ["totp"] and r.json()["factor"] == "otp"
    code = otp.code_at(secret, now + 30)
    r = client.post(
        "/identity/step-up/verify",
        json={"action": "email_change", "method": "totp", "code": code},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.json()
    r = client.put("/identity/contact", json={"field": "email", "value": "new@example.jp"})
    assert r.status_code == 200
    r = client.post("/identity/actions/authorize", json={"action": "withdrawal"})
    assert r.json()["decision"] == "hold" and r.json()["reasons"] == ["contact_changed_cooling_off"]
    assert client.get("/identity/me").json()["withdrawals_held_until"]
    outbox = OutboxNotifier(settings.notifier.outbox_path).read()
    assert outbox[-1].kind == "contact_changed" and outbox[-1].to == "taro@example.jp"


def test_recovery_codes_and_activity(client, settings):
    register_and_login(client, settings)
    prove(client, settings)
    codes = client.post("/identity/recovery-codes").json()["codes"]
    assert len(codes) == 10
    assert client.get("/identity/me").json()["recovery_codes_left"] == 10
    logins = client.get("/identity/logins").json()
    assert logins[0]["outcome"] == "success" and logins[0]["factor"] == "email_otp"
    assert len(client.get("/identity/devices").json()) == 1
    prove(client, settings)
    assert (
        client.post("/identity/passkeys/options").json()["options"]["authenticatorSelection"][
            "userVerification"
        ]
        == "required"
    )


def test_openapi_documents_every_route(client):
    spec = client.get("/openapi.json").json()
    ops = [
        op for path, item in spec["paths"].items() if path.startswith("/identity/") for op in item.values()
    ]
    assert len(ops) >= 25 and all(op.get("summary") for op in ops)
    assert (
        "LoginDecisionOut" in spec["components"]["schemas"] and "ErrorBody" in spec["components"]["schemas"]
    )


def test_pages_render_in_japanese_with_local_scripts(client, settings):
    r = client.get("/identity/pages/login")
    assert r.status_code == 200 and "パスキーでログイン" in r.text and 'lang="ja"' in r.text
    assert re.findall(r'src="([^"]+)"', r.text) == ["/static/htmx-2.0.11.min.js", "/static/passkey.js"]
    assert client.get("/static/htmx-2.0.11.min.js").status_code == 200
    assert client.get("/identity/pages/activity", follow_redirects=False).status_code == 303
    register_and_login(client, settings)
    r = client.get("/identity/pages/activity")
    assert "ログイン履歴" in r.text and "成功" in r.text
    prove(client, settings)
    r = client.post("/identity/pages/totp/enrol")
    assert "<svg" in r.text and "totp-secret" in r.text


def test_page_login_with_code(client, settings):
    client.post(
        "/identity/customers",
        json={"login_id": "taro", "password": PASSWORD, "email": "taro@example.jp", "phone": "090-1234-5678"},
    )
    r = client.post("/identity/pages/login", data={"login_id": "taro", "password": "nope"})
    assert "正しくありません" in r.text and "一時的にロック" in r.text
    r = client.post("/identity/pages/login", data={"login_id": "taro", "password": PASSWORD})
    ticket = re.search(r'name="ticket" value="([^"]+)"', r.text).group(1)
    r = client.post(
        "/identity/pages/login/verify", data={"ticket": ticket, "method": "email_otp", "code": "000000"}
    )
    assert "認証コードが正しくありません" in r.text
    r = client.post(
        "/identity/pages/login/verify",
        data={"ticket": ticket, "method": "email_otp", "code": last_code(settings)},
    )
    assert r.headers["HX-Redirect"] == "/identity/pages/activity" and "kz_session" in r.headers["set-cookie"]
