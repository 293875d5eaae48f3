"""Staff identity: password + TOTP through the identity services, sessions that end, CSRF, audit."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from doors import STAFF_PASSWORD, console_app, key_header, staff_client
from kozaguard.apikeys import Scope
from kozaguard.audit.chain import verify
from kozaguard.entrypoints.api.cases import cases_store
from kozaguard.entrypoints.cli import app as cli
from kozaguard.identity import otp


def _password_step(client, staff_id, password=STAFF_PASSWORD):
    return client.post("/staff/login", data={"login_id": staff_id, "password": password})


def test_login_needs_the_password_and_a_totp_code(app):
    new = app.state.staff.create(
        "hana", STAFF_PASSWORD, "analyst", email="h@b.example.jp", phone="03-1111-2222", by="t"
    )
    client = TestClient(app, base_url="http://localhost:8000")
    r = _password_step(client, "hana", "wrong-password-123")
    assert "kz_staff" not in client.cookies and 'name="ticket"' not in r.text
    r = _password_step(client, "hana")
    ticket = re.search(r'name="ticket" value="([^"]+)"', r.text).group(1)
    assert "kz_staff" not in client.cookies  # the password alone opens nothing
    r = client.post("/staff/login/verify", data={"ticket": ticket, "code": "000000"}, follow_redirects=False)
    assert r.status_code == 200 and "kz_staff" not in client.cookies
    code = otp.code_at(new.totp_secret, time.time())
    r = client.post("/staff/login/verify", data={"ticket": ticket, "code": code}, follow_redirects=False)
    assert r.status_code == 303 and client.cookies.get("kz_staff")
    assert client.get("/staff/", follow_redirects=False).status_code == 200


def test_a_customer_session_or_login_is_no_way_in(app):
    customers = TestClient(
        app, headers=key_header(app, Scope.CUSTOMERS_WRITE), base_url="http://localhost:8000"
    )
    r = customers.post(
        "/identity/customers",
        json={
            "login_id": "taro",
            "password": STAFF_PASSWORD,
            "email": "t@example.jp",
            "phone": "090-1234-5678",
        },
    )
    assert r.status_code == 201
    r = _password_step(customers, "taro")
    assert 'name="ticket"' not in r.text  # a customer's password does not reach the second step
    customers.cookies.set("kz_staff", "not-a-staff-session", path="/staff")
    assert customers.get("/staff/", follow_redirects=False).status_code == 303


def test_sessions_expire(tmp_path):
    app = console_app(tmp_path, staff_session_minutes=30)
    client = staff_client(app, "admin")
    assert client.get("/staff/", follow_redirects=False).status_code == 200
    svc = app.state.staff.identity
    later = svc.clock() + timedelta(minutes=31)
    svc.clock = lambda: later
    r = client.get("/staff/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login"


def test_state_changes_need_the_sessions_csrf_token(app, staff):
    client = staff("supervisor")
    good = client.headers.pop("X-CSRF-Token")
    r = client.post("/staff/campaigns/ABC/restrict", data={"reason": "pump"})
    assert r.status_code == 403 and 'data-code="csrf"' in r.text
    other = staff("supervisor")  # another session's token is not this one's
    r = client.post(
        "/staff/campaigns/ABC/restrict",
        data={"reason": "pump"},
        headers={"X-CSRF-Token": other.headers["X-CSRF-Token"]},
    )
    assert r.status_code == 403
    r = client.post("/staff/campaigns/ABC/restrict", data={"reason": "pump", "csrf": good})
    assert r.status_code == 200 and app.state.ledger.restriction("ABC").imposed


def test_logout_ends_the_session(app, staff):
    client = staff("analyst")
    assert client.post("/staff/logout").status_code == 204
    assert client.get("/staff/", follow_redirects=False).status_code == 303


def test_a_disabled_account_is_locked_out_at_once(app, staff):
    admin, victim = staff("admin", "admin-a"), staff("analyst", "analyst-a")
    r = admin.post("/staff/admin/staff/analyst-a/role", data={"role": "analyst", "disabled": "true"})
    assert r.status_code == 200
    assert victim.get("/staff/", follow_redirects=False).status_code == 303
    r = admin.post("/staff/admin/staff/admin-a/role", data={"role": "analyst"})
    assert r.status_code == 403  # no one changes their own role


def test_every_staff_action_is_in_the_audit_log(app, staff):
    client = staff("supervisor", "sup-1")
    client.post("/staff/campaigns/XYZ/restrict", data={"reason": "pump"})
    client.post("/staff/campaigns/XYZ/lift", data={"reason": "over"})
    client.post("/staff/logout")
    with cases_store_of(app).unit() as u:
        entries, head = u.audit_entries(), u.audit_head()
    assert [(e.actor, e.action, e.subject) for e in entries] == [
        ("sup-1", "staff.login", "sup-1"),
        ("sup-1", "symbol.restricted", "XYZ"),
        ("sup-1", "symbol.lifted", "XYZ"),
        ("sup-1", "staff.logout", "sup-1"),
    ]
    assert verify(entries, head) == []


def cases_store_of(app):
    class R:  # what cases_store reads from a request
        pass

    r = R()
    r.app = app
    return cases_store(r)


def test_staff_create_makes_the_first_admin(tmp_path, monkeypatch):
    monkeypatch.setenv("KOZAGUARD_HTTP_DB_PATH", str(tmp_path / "identity.sqlite"))
    monkeypatch.setenv("KOZAGUARD_STAFF_PASSWORD", STAFF_PASSWORD)
    runner = CliRunner()
    args = [
        "staff",
        "create",
        "boss",
        "--role",
        "admin",
        "--email",
        "boss@b.example.jp",
        "--phone",
        "03-1234-5678",
    ]
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    secret = re.search(r"TOTP secret: ([A-Z2-7]+)", r.output).group(1)
    r = runner.invoke(cli, ["staff", "list", "--json"])
    assert '"role": "admin"' in r.output and secret not in r.output
    r = runner.invoke(cli, ["staff", "create", "boss2", "--role", "boss", *args[5:]])
    assert r.exit_code == 2 and "--role" in r.output and "analyst, supervisor, admin" in r.output
    # the admin made in the shell logs in to the server reading the same files
    app = console_app(tmp_path, store="sqlite", db_path=tmp_path / "identity.sqlite")
    client = TestClient(app, base_url="http://localhost:8000")
    ticket = re.search(r'name="ticket" value="([^"]+)"', _password_step(client, "boss").text).group(1)
    code = otp.code_at(secret, time.time())
    assert (
        client.post(
            "/staff/login/verify", data={"ticket": ticket, "code": code}, follow_redirects=False
        ).status_code
        == 303
    )
    assert "職員アカウント" in client.get("/staff/admin/staff").text
