"""Suspicion marks through the real engine: crew infrastructure and the customer's reports."""

from __future__ import annotations

from kozaguard.adapters.memory import memory_state
from kozaguard.bootstrap import build_engine
from kozaguard.config import Settings
from kozaguard.engine.suspicion import suspected
from scenarios import HOME, history
from streams import at, ev, login

CREW = {
    "device_id": "d-crew",
    "ip": "203.0.113.7",
    "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/124",
}


def opened(acct):
    return ev(
        "account.opened",
        at(1, 7),
        account_id=acct,
        birth_year=1980,
        prefecture="東京都",
        margin_enabled=False,
        foreign_enabled=False,
        factors=["sms"],
    )


def run(events):
    engine = build_engine(Settings(), memory_state())
    for e in events:
        engine.process(e)
    return engine.state


def test_a_login_sharing_the_crews_client_with_another_accounts_login_marks_it():
    events = [*history(), opened("B1"), login(at(1, 8), account_id="B1", session_id="b0", **HOME)]
    events += [
        login(at(3, 10), session_id="x1", **CREW),
        login(at(3, 10, 5), account_id="B1", session_id="x2", **CREW),
    ]
    state = run(events)
    assert suspected(state.accounts.get("B1"), state.accounts.get("B1").last_login_at, 7.0)


def test_the_customers_own_logins_leave_no_mark():
    state = run([*history(), login(at(3, 10), session_id="h9", **HOME)])
    assert state.accounts.get("A1").suspect == {}


def test_a_reported_code_marks_the_account():
    report = ev("customer.report", at(3, 9), account_id="A1", kind="unsolicited_code")
    state = run([*history(), report])
    assert "reported_code" in state.accounts.get("A1").suspect
