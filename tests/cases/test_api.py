"""The staff HTTP doors for cases: API keys with scopes, the staff member the key names, four-eyes."""

from __future__ import annotations

import pytest
from casekit import WORKED, ok
from fastapi.testclient import TestClient

from doors import app_settings, key_header
from kozaguard.apikeys import Scope
from kozaguard.entrypoints.api.app import create_app

R, W, A = Scope.CASES_READ, Scope.CASES_WRITE, Scope.CASES_APPROVE


@pytest.fixture
def app(tmp_path, db_spec):
    ok("cases", "build", "--events", str(WORKED), "--db", db_spec)
    return create_app(app_settings(tmp_path, cases_db=db_spec))


@pytest.fixture
def client(app):
    return TestClient(app)


def keys(app, staff: str | None, *scopes):
    return key_header(app, *scopes, staff_id=staff)


def test_every_cases_door_needs_a_key_with_its_scope(app, client):
    reader = keys(app, "carol", R)
    doors = [
        ("get", "/v1/cases", R),
        ("get", "/v1/cases/export", R),
        ("get", "/v1/cases/C000001", R),
        ("get", "/v1/cases/C000001/letter?policy=restore", R),
        ("get", "/v1/reports/fsa", R),
        ("get", "/v1/audit/verify", R),
        ("post", "/v1/cases/C000001/move", W),
        ("post", "/v1/cases/C000001/attribution", W),
        ("post", "/v1/cases/C000001/proposal", W),
        ("post", "/v1/cases/C000001/approval", A),
        ("post", "/v1/cases/C000001/send-back", A),
        ("post", "/v1/cases/C000001/payment", A),
    ]
    for method, path, scope in doors:
        r = client.request(method, path, json={})
        assert r.status_code == 401, (path, r.text)
        assert r.json()["error"] == "api_key_missing"
        wrong = keys(app, "dave", Scope.EVENTS_WRITE)
        assert client.request(method, path, json={}, headers=wrong).status_code == 403, path
        if scope is not R:
            assert client.request(method, path, json={}, headers=reader).status_code == 403, path


def test_reader_sees_the_worked_example(app, client):
    r = client.get("/v1/cases/export", headers=keys(app, "carol", R))
    assert r.status_code == 200, r.text
    [case] = r.json()
    assert case["payouts"] == {"sbi-rakuten-2025": 812_500, "matsui-2025": 877_500, "restore": 1_752_500}
    r = client.get("/v1/cases/C000001", headers=keys(app, "carol", R))
    assert r.json()["posture"]["factors"] == ["email_otp"]
    r = client.get("/v1/reports/fsa?month=2025-04", headers=keys(app, "carol", R))
    assert r.text.splitlines() == [
        "month,accounts_accessed,accounts_traded,sell_notional_jpy,buy_notional_jpy",
        "2025-04,1,1,2950000,2800000",
    ]
    assert client.get("/v1/reports/fsa?month=2025-13", headers=keys(app, "carol", R)).status_code == 422


def test_four_eyes_through_http(app, client):
    alice = keys(app, "alice", W, A)
    bob = keys(app, "bob", A)
    r = client.post("/v1/cases/C000001/proposal", json={"policy_id": "sbi-rakuten-2025"}, headers=alice)
    assert r.status_code == 200, r.text
    assert r.json()["proposal"]["amount"] == 812_500 and r.json()["proposal"]["proposed_by"] == "alice"
    r = client.post("/v1/cases/C000001/approval", headers=alice)
    assert r.status_code == 403 and r.json()["error"] == "four_eyes"
    assert "alice proposed the payout" in r.json()["message"]
    r = client.post("/v1/cases/C000001/approval", headers=bob)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert r.json()["proposal"]["approved_by"] == "bob"
    r = client.post("/v1/cases/C000001/payment", json={"reference": "振込"}, headers=bob)
    assert r.status_code == 200 and r.json()["status"] == "paid"
    audit = client.get("/v1/cases/C000001", headers=keys(app, "carol", R)).json()["audit"]
    assert [(e["actor"], e["action"]) for e in audit][-3:] == [
        ("alice", "payout.proposed"),
        ("bob", "payout.approved"),
        ("bob", "payout.paid"),
    ]
    assert client.get("/v1/audit/verify", headers=keys(app, "carol", R)).json()["intact"] is True


def test_a_key_that_names_no_staff_member_changes_nothing(app, client):
    anonymous = keys(app, None, W, A)
    r = client.post("/v1/cases/C000001/move", json={"status": "investigating"}, headers=anonymous)
    assert r.status_code == 403 and r.json()["error"] == "key_names_no_staff"


def test_refusals_name_the_problem(app, client):
    alice = keys(app, "alice", W)
    r = client.post("/v1/cases/C000001/move", json={"status": "paid"}, headers=alice)
    assert r.status_code == 409 and "from confirmed_unauthorized to paid" in r.json()["message"]
    r = client.post("/v1/cases/C000001/move", json={"status": "rejected"}, headers=alice)
    assert r.status_code == 422 and "written reason" in r.json()["message"]
    r = client.post("/v1/cases/C000001/attribution", json={"order_ids": ["O1"], "reason": " "}, headers=alice)
    assert r.status_code == 422 and "written reason" in r.json()["message"]
    r = client.post("/v1/cases/C009999/move", json={"status": "investigating"}, headers=alice)
    assert r.status_code == 404
    r = client.post("/v1/cases/C000001/proposal", json={"policy_id": "nope"}, headers=alice)
    assert r.status_code == 422 and "no policy `nope`" in r.json()["message"]
    r = client.post(
        "/v1/cases/C000001/proposal", json={"policy_id": "restore", "valuation_date": "30/4"}, headers=alice
    )
    assert r.status_code == 422 and r.json()["field"] == "valuation_date"


def test_staff_change_attribution_and_get_the_letter(app, client):
    alice = keys(app, "alice", W)
    r = client.post(
        "/v1/cases/C000001/attribution",
        json={"order_ids": ["O1"], "unauthorized": False, "reason": "お客様ご本人の売却"},
        headers=alice,
    )
    assert r.status_code == 200 and r.json()["attribution"] == "staff"
    reader = keys(app, "carol", R)
    pdf = client.get("/v1/cases/C000001/letter?policy=sbi-rakuten-2025&format=pdf", headers=reader)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    html = client.get("/v1/cases/C000001/letter?policy=sbi-rakuten-2025", headers=reader)
    assert "1,601,500円" in html.text and "2,950,000円" not in html.text  # the sale is the customer's now
