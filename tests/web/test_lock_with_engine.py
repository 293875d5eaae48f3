"""The lock through the real HTTP app with the detection engine attached: both halves see one lock.

Measured on the old code: 5 wrong passwords, an unlock with a recovery code, and the right password
5 minutes later still got `lock (account_locked)` from the engine, for 25 hours.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from doors import app_settings, key_header, staff_client
from kozaguard.adapters.notify import OutboxNotifier
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app

PASSWORD = "kumo-hashiru-7-sakana"
HOME = ("126.10.20.30", 50000)
STRANGER = ("203.0.113.9", 40000)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 4, 14, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def app(tmp_path):
    settings = app_settings(
        tmp_path, store="sqlite", kind="dev-outbox", cases_db=f"sqlite:{tmp_path / 'cases.sqlite'}"
    )
    app = create_app(settings)
    app.state.identity.clock = Clock()
    return app


def code(app) -> str:
    body = OutboxNotifier(app.state.settings.notifier.outbox_path).read()[-1].body
    return re.search(r"認証コード: (\d{6})", body).group(1)


def log_in(client: TestClient, app) -> str:
    r = client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["decision"] == "challenge", r.json()
    r = client.post(
        "/identity/login/verify",
        json={"ticket": r.json()["ticket"], "method": "email_otp", "code": code(app)},
    )
    assert r.json()["decision"] == "allow", r.json()
    return r.json()["session"]


def engine_account(app):
    cid = app.state.identity.store.find_customer("taro").customer_id
    return app.state.engine.engine.state.accounts.get(cid)


@pytest.fixture
def customer(app):
    home = TestClient(app, client=HOME)
    r = home.post(
        "/identity/customers",
        json={"login_id": "taro", "password": PASSWORD, "email": "taro@example.jp", "phone": "090-1234-5678"},
        headers=key_header(app, Scope.CUSTOMERS_WRITE),
    )
    assert r.status_code == 201
    log_in(home, app)
    home.post("/identity/step-up", json={"action": "factor_enrolment"})
    step = {"action": "factor_enrolment", "method": "email_otp", "code": code(app)}
    assert home.post("/identity/step-up/verify", json=step).status_code == 200
    codes = home.post("/identity/recovery-codes").json()["codes"]
    return home, codes


def test_unlock_reaches_the_engine(app, customer):
    home, codes = customer
    clock = app.state.identity.clock
    for _ in range(5):
        assert home.post("/identity/login", json={"login_id": "taro", "password": "wrong"}).status_code == 401
    assert engine_account(app).lock.locked  # the engine counted the same five failures
    assert home.post("/identity/login", json={"login_id": "taro", "password": PASSWORD}).status_code == 401
    r = home.post("/identity/unlock", json={"login_id": "taro", "recovery_code": codes[0]})
    assert r.status_code == 200
    assert not engine_account(app).lock.locked and engine_account(app).lock.unlocked_by == "recovery_code"
    clock.now += timedelta(minutes=5)
    r = home.post("/identity/login", json={"login_id": "taro", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["decision"] == "challenge"
    assert "account_locked" not in r.json()["reasons"]
    log_in(home, app)


def test_staff_unlock_reaches_the_engine(app, customer):
    assert customer
    stranger = TestClient(app, client=STRANGER)
    for _ in range(5):
        stranger.post("/identity/login", json={"login_id": "taro", "password": "wrong"})
    assert engine_account(app).lock.locked
    cid = app.state.identity.store.find_customer("taro").customer_id
    staff = staff_client(app, "analyst")
    r = staff.post(f"/staff/customers/{cid}/unlock", data={"verified_by": "documents"})
    assert r.status_code == 200 and not engine_account(app).lock.locked
    assert (
        stranger.post("/identity/login", json={"login_id": "taro", "password": PASSWORD}).status_code == 200
    )


def test_strangers_cannot_lock_the_customer_out_of_his_own_device(app, customer):
    home, _ = customer
    stranger = TestClient(app, client=STRANGER)
    for _ in range(15):  # three locks in a row would be the old "until staff unlocks"
        stranger.post("/identity/login", json={"login_id": "taro", "password": "wrong"})
        app.state.identity.clock.now += timedelta(minutes=1)
    assert engine_account(app).lock.locked
    r = stranger.post("/identity/login", json={"login_id": "taro", "password": PASSWORD})
    assert r.status_code in (401, 429)  # refused: locked against the device that failed, and over its rate
    log_in(home, app)  # the customer's own device: password, second factor, session, all with the engine


def test_a_temporary_lock_expires_for_both_halves(app, customer):
    stranger = TestClient(app, client=STRANGER)
    for _ in range(5):
        stranger.post("/identity/login", json={"login_id": "taro", "password": "wrong"})
    app.state.identity.clock.now += timedelta(hours=1, minutes=1)
    r = stranger.post("/identity/login", json={"login_id": "taro", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["decision"] == "challenge"
    assert not engine_account(app).lock.locked
