"""Attacks on `POST /v1/events` that worked at 36173b8, now regression tests through the real app.

Each test drives the app (FastAPI TestClient) with the engine behind the identity service, from a
real client address so the engine takes part in the login decision.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from doors import app_settings, key_header
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app

PASSWORD = "kumo-hashiru-7-sakana"
CUSTOMER_IP = ("126.10.20.30", 50000)


@pytest.fixture
def app(tmp_path):
    return create_app(app_settings(tmp_path))


@pytest.fixture
def customer(app):
    """A registered customer: (browser-like client from his address, customer_id)."""
    client = TestClient(app, client=CUSTOMER_IP)
    r = client.post(
        "/identity/customers",
        json={"login_id": "taro", "password": PASSWORD, "email": "taro@example.jp", "phone": "090-1234-5678"},
        headers=key_header(app, Scope.CUSTOMERS_WRITE),
    )
    assert r.status_code == 201, r.text
    return client, r.json()["customer_id"]


def now(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def failed_login(account_id: str, n: int, ts: str | None = None) -> dict:
    return {
        "type": "auth.login",
        "event_id": f"forged-{n}",
        "ts": ts or now(),
        "account_id": account_id,
        "session_id": f"X{n}",
        "ip": "198.51.100.7",
        "user_agent": "curl/8",
        "device_id": None,
        "channel": "web",
        "result": "password_bad",
    }


def test_anonymous_forged_failures_do_not_lock_the_customer(app, customer):
    client, cid = customer
    attacker = TestClient(app, client=("198.51.100.7", 40000))
    for n in range(6):
        r = attacker.post("/v1/events", json=failed_login(cid, n))
        assert r.status_code == 401 and r.json()["error"] == "api_key_missing"
    r = client.post("/identity/login", json={"login_id": "taro", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["decision"] == "challenge", r.text


def test_anonymous_forged_locked_out_report_is_refused(app, customer):
    _, cid = customer
    report = {
        "type": "customer.report",
        "event_id": "r1",
        "ts": now(),
        "account_id": cid,
        "kind": "locked_out",
    }
    r = TestClient(app).post("/v1/events", json=report)
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("ApiKey")


@pytest.mark.parametrize("offset", [timedelta(days=365 * 74), timedelta(minutes=6), -timedelta(days=30)])
def test_the_live_door_refuses_events_far_from_its_clock(app, offset):
    live = TestClient(app, headers=key_header(app, Scope.EVENTS_WRITE))
    r = live.post("/v1/events", json=failed_login("A1", 1, now(offset)))
    body = r.json()
    assert r.status_code == 422 and body["error"] == "event_time_out_of_range" and body["field"] == "ts"
    assert "events:backfill" in body["fix"] and body["details"]["event_id"] == "forged-1"


def test_the_live_door_takes_events_within_the_skew_and_backfill_takes_history(app):
    live = TestClient(app, headers=key_header(app, Scope.EVENTS_WRITE))
    assert live.post("/v1/events", json=failed_login("A1", 1, now(-timedelta(minutes=4)))).status_code == 200
    history = TestClient(app, headers=key_header(app, Scope.EVENTS_BACKFILL))
    r = history.post("/v1/events", json=failed_login("A1", 2, "2025-04-01T09:10:00+09:00"))
    assert r.status_code == 200, r.text


def test_the_skew_is_a_setting(tmp_path):
    app = create_app(app_settings(tmp_path, event_clock_skew_seconds=30))
    live = TestClient(app, headers=key_header(app, Scope.EVENTS_WRITE))
    assert live.post("/v1/events", json=failed_login("A1", 1, now(-timedelta(minutes=1)))).status_code == 422


def _decision_of(tmp_path, name: str, event: dict) -> dict:
    """The decision a fresh app gives `event` from a single source, its history first."""
    app = create_app(app_settings(tmp_path / name))
    history = TestClient(app, headers=key_header(app, Scope.EVENTS_BACKFILL))
    r = history.post("/v1/events", json=[*HISTORY, event])
    assert r.status_code == 200, r.text
    return r.json()[-1]


HISTORY = [
    {
        "type": "account.opened",
        "event_id": "a1",
        "ts": "2025-04-01T08:00:00+09:00",
        "account_id": "A1",
        "birth_year": 1958,
        "prefecture": "神奈川県",
        "margin_enabled": True,
        "foreign_enabled": True,
        "factors": ["sms"],
    }
]
REAL = {
    "type": "auth.login",
    "event_id": "oms-77",
    "ts": "2025-04-01T09:10:00+09:00",
    "account_id": "A1",
    "session_id": "S1",
    "ip": "126.10.20.30",
    "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    "device_id": "d1",
    "channel": "web",
    "result": "password_bad",
}


def test_one_source_cannot_pre_empt_anothers_event_id(tmp_path):
    forged = {**REAL, "result": "password_ok", "ip": "45.80.1.2", "device_id": "evil", "session_id": "S9"}
    expected_real = _decision_of(tmp_path, "real-only", REAL)
    expected_forged = _decision_of(tmp_path, "forged-only", forged)
    assert expected_forged is not None and expected_forged != expected_real  # the two events differ

    app = create_app(app_settings(tmp_path / "both"))
    oms = TestClient(app, headers=key_header(app, Scope.EVENTS_BACKFILL, name="OMS"))
    intruder = TestClient(app, headers=key_header(app, Scope.EVENTS_BACKFILL, name="other"))
    assert oms.post("/v1/events", json=HISTORY).status_code == 200
    first = intruder.post("/v1/events", json=forged).json()
    assert first == [expected_forged] and first[0]["event_id"] == "oms-77"
    answer = oms.post("/v1/events", json=REAL).json()
    assert answer == [expected_real]
    assert oms.post("/v1/events", json=REAL).json() == answer  # a repeat from the same source: same answer


def test_answers_carry_the_callers_own_event_id(app):
    client = TestClient(app, headers=key_header(app, Scope.EVENTS_BACKFILL))
    login = {**REAL, "result": "password_ok", "event_id": "mine-1"}
    r = client.post("/v1/events", content=json.dumps([*HISTORY, login]))
    assert r.status_code == 200 and r.json()[-1]["event_id"] == "mine-1"
