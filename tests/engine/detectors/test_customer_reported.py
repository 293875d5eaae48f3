""" "This wasn't me": reports of unrecognised trades, logins and codes; the engine and its HTTP door."""

from __future__ import annotations

import msgspec
import pytest
from fastapi.testclient import TestClient

from kozaguard.engine.detectors.customer_reported import CustomerReported
from scenarios import ABROAD, HOME, history, judge
from streams import at, buy, ev, login


def report(kind, day=3, hour=12):
    return ev("customer.report", at(day, hour), account_id="A1", kind=kind)


@pytest.mark.parametrize("kind", ["unrecognized_trade", "unrecognized_login"])
def test_an_unrecognised_trade_or_login_locks_the_account_and_opens_a_case(kind):
    d = judge(CustomerReported(), [*history(), report(kind), buy(at(3, 13), "7203", 100, 2500, **HOME)])
    assert d.decision == "lock" and d.reasons == ["account_reported_unrecognized"]
    assert {"open_case", "notify_customer"} <= set(d.actions)


def test_the_lock_lifts_after_out_of_band_verification_or_staff_review():
    verified = [*history(), report("unrecognized_trade"), report("locked_out", hour=12)]
    assert judge(CustomerReported(), [*verified, login(at(3, 13), **HOME)]) is not None
    d = judge(CustomerReported(), [*verified, login(at(3, 13), session_id="H9", **HOME)])
    assert d.decision == "allow"
    later = judge(
        CustomerReported(review_hours=4), [*history(), report("unrecognized_trade"), login(at(3, 17), **HOME)]
    )
    assert later.decision == "allow"


def test_an_unsolicited_code_refuses_the_next_new_device_login_without_a_passkey():
    d = judge(CustomerReported(), [*history(), report("unsolicited_code"), login(at(4, 9), **ABROAD)])
    assert d.decision == "deny" and d.reasons == ["reported_code_new_device"]
    home = judge(CustomerReported(), [*history(), report("unsolicited_code"), login(at(4, 9), **HOME)])
    assert home.decision == "allow"


def test_an_unsolicited_code_asks_a_passkey_of_a_customer_who_has_one():
    events = [*history(factors=("sms", "passkey")), report("unsolicited_code"), login(at(4, 9), **ABROAD)]
    d = judge(CustomerReported(), events)
    assert (d.decision, d.factor) == ("challenge", "passkey")


def test_the_report_locks_the_account_through_the_http_door(tmp_path):
    """The whole engine behind `POST /v1/events`: the hijacked session's next order is refused."""
    from doors import app_settings, key_header
    from kozaguard.apikeys import Scope
    from kozaguard.entrypoints.api.app import create_app

    settings = app_settings(tmp_path)
    app = create_app(settings)
    client = TestClient(app, headers=key_header(app, Scope.EVENTS_BACKFILL))
    events = [*history(), login(at(3, 9), session_id="X", **ABROAD), report("unrecognized_trade", hour=10)]
    events.append(buy(at(3, 10, 5), "9999", 5000, 120, session_id="X", **ABROAD))
    last = None
    for e in events:
        r = client.post(
            "/v1/events", content=msgspec.json.encode(e), headers={"content-type": "application/json"}
        )
        assert r.status_code == 200, r.text
        last = r
    (decision,) = last.json()
    assert decision["decision"] == "lock" and "account_reported_unrecognized" in decision["reasons"]
