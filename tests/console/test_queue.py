"""The alert queue, restrictions and cases through the console: what staff decide reaches the engine."""

from __future__ import annotations

import json

import msgspec
import pytest

from kozaguard.events.codec import decode_event
from kozaguard.events.schema import Decision

ORDER = {
    "type": "order.new",
    "event_id": "o1",
    "ts": "2025-04-21T10:00:00+09:00",
    "account_id": "A1",
    "session_id": "S1",
    "ip": "203.0.113.7",
    "user_agent": "UA",
    "device_id": "d9",
    "channel": "web",
    "order_id": "O1",
    "symbol": "7777",
    "side": "buy",
    "qty": 1000,
    "order_type": "limit",
    "limit_price": 950.0,
    "account_type": "cash",
}


@pytest.fixture
def sent(app):
    """The events the console sends the engine (the real engine still decides them)."""
    out = []
    door = app.state.engine
    real = door.decide_raw

    def spy(raw: bytes):
        out.append(json.loads(raw))
        return real(raw)

    door.decide_raw = spy
    return out


def hold(app, event_id="o1", account="A1", actions=()):
    event = decode_event(msgspec.json.encode({**ORDER, "event_id": event_id, "account_id": account}))
    app.state.ledger.record(
        event,
        Decision(event_id=event_id, decision="hold", score=0.8, reasons=["pump_buy"], actions=list(actions)),
    )


def test_release_reaches_the_engine_once(app, staff, sent):
    hold(app)
    a, b = staff("analyst"), staff("analyst")
    assert "7777" in a.get("/staff/alerts").text
    r = a.post("/staff/alerts/o1/release")
    assert r.status_code == 200
    assert [e for e in sent if e["type"] == "review.decided"] == [
        {
            **sent[-1],
            "account_id": "A1",
            "reviewed_event_id": "o1",
            "outcome": "released",
            "staff_id": a.staff_id,
        }
    ]
    r = b.post("/staff/alerts/o1/reject")  # two staff cannot both decide it
    assert r.status_code == 409 and "already released" in r.text
    assert len([e for e in sent if e["type"] == "review.decided"]) == 1
    assert "7777" not in a.get("/staff/alerts").text


def test_lock_rejects_and_locks_the_customer_for_every_device(app, staff, sent):
    from doors import key_header
    from kozaguard.apikeys import Scope

    c = staff("analyst").__class__(app, headers=key_header(app, Scope.CUSTOMERS_WRITE))
    cid = c.post(
        "/identity/customers",
        json={
            "login_id": "taro",
            "password": "kumo-hashiru-7-sakana",
            "email": "t@example.jp",
            "phone": "090-1234-5678",
        },
    ).json()["customer_id"]
    hold(app, "o2", cid)
    analyst = staff("analyst")
    assert analyst.post("/staff/alerts/o2/lock").status_code == 200
    assert sent[-1]["outcome"] == "rejected"
    state = app.state.identity.store.get_lockout(cid)
    assert state.locked and state.by_staff
    r = c.post("/identity/login", json={"login_id": "taro", "password": "kumo-hashiru-7-sakana"})
    assert r.json()["decision"] == "deny"
    r = analyst.post(f"/staff/customers/{cid}/unlock", data={"verified_by": "phone", "note": "called back"})
    assert r.status_code == 200 and not app.state.identity.store.get_lockout(cid).locked


def test_restrict_and_lift_send_symbol_restriction(app, staff, sent):
    hold(app, "o3", actions=["restrict_symbol:7777", "open_case"])
    assert app.state.ledger.restriction("7777").by == "engine"
    sup = staff("supervisor")
    page = sup.get("/staff/campaigns/7777").text
    assert "A1" in page and "restrict-toggle" in page
    assert (
        sup.post("/staff/campaigns/7777/lift", data={"reason": ""}).status_code == 409
    )  # a reason is required
    r = sup.post("/staff/campaigns/7777/lift", data={"reason": "the pump is over"})
    assert r.status_code == 200
    assert {k: sent[-1][k] for k in ("type", "symbol", "action", "by", "staff_id", "reason")} == {
        "type": "symbol.restriction",
        "symbol": "7777",
        "action": "lifted",
        "by": "staff",
        "staff_id": sup.staff_id,
        "reason": "the pump is over",
    }
    assert not app.state.ledger.restriction("7777").imposed
    assert sup.post("/staff/campaigns/7777/lift", data={"reason": "again"}).status_code == 409
    assert staff("analyst").post("/staff/campaigns/7777/restrict", data={"reason": "x"}).status_code == 403


def test_case_ownership_and_joined_alerts(app, staff):
    hold(app, "o4")
    a, b = staff("analyst"), staff("analyst")
    assert a.post("/staff/cases/C1/take").status_code == 200
    r = b.post("/staff/cases/C1/take")
    assert r.status_code == 409 and a.staff_id in r.text
    assert a.post("/staff/cases/C1/join", data={"event_ids": ["o4"]}).status_code == 200
    assert [x.event_id for x in app.state.ledger.joined("C1")] == ["o4"]
    assert a.post("/staff/cases/C1/join", data={"event_ids": ["nope"]}).status_code == 409
