"""Staff review of a held action reaches the engine (`review.decided`): release trusts the session and
teaches the budget, rejection refuses the session and distrusts the next stranger."""

from __future__ import annotations

from kozaguard.adapters.memory import memory_state
from kozaguard.engine.budget import HELD, Budget, FrictionSettings
from kozaguard.engine.detectors import default_detectors
from kozaguard.engine.engine import Engine
from kozaguard.engine.policy import Policy
from scenarios import ABROAD, HOME, history
from streams import at, ev, login, sell

STRANGER = {"device_id": "d-crew", "ip": "45.9.9.9", "user_agent": ABROAD["user_agent"]}


def engine(factors=("sms",)):
    budget = Budget(FrictionSettings(min_history=10_000, cold_hold=4.0))  # cold start: a fixed bar
    e = Engine(memory_state(), default_detectors(), policy=Policy(budget=budget))
    for x in history(factors=factors, days=12):
        e.process(x)
    return e


def reviewed(event_id, outcome, minute):
    return ev(
        "review.decided",
        at(13, 10, minute),
        account_id="A1",
        reviewed_event_id=event_id,
        outcome=outcome,
        staff_id="st-1",
    )


def held_sale(e):
    """A new device abroad sells the holdings in one sitting: held for staff."""
    e.process(login(at(13, 9), session_id="N", **ABROAD))
    first = sell(at(13, 9, 1), "7203", 200, session_id="N", **ABROAD)
    d = e.process(first)
    assert d.decision == "hold", d
    return first


def test_a_released_session_is_the_customers_its_next_order_goes_through_and_the_budget_learns():
    e = engine()
    first = held_sale(e)
    before = e.policy.budget.counts[HELD], e.policy.budget.total
    assert e.state.account("A1").held[first.event_id].session_id == "N"
    assert e.process(reviewed(first.event_id, "released", 0)) is None  # not decision-bearing
    budget = e.policy.budget
    assert (budget.counts[HELD], budget.total) == (before[0] - 1, before[1] + 1)
    assert e.state.account("A1").held == {}
    assert e.process(sell(at(13, 10, 5), "7203", 100, session_id="N", **ABROAD)).decision == "allow"
    # his new phone is his now: its next login is not a stranger's
    assert "d-new" in e.state.account("A1").devices
    assert e.process(login(at(14, 9), session_id="N2", **ABROAD)).decision == "allow"


def test_without_the_release_the_same_session_stays_held():
    e = engine()
    held_sale(e)
    assert e.process(sell(at(13, 10, 5), "7203", 100, session_id="N", **ABROAD)).decision == "hold"


def test_a_rejected_session_is_refused_and_its_client_must_show_a_passkey_to_log_in_again():
    e = engine()
    first = held_sale(e)
    e.process(reviewed(first.event_id, "rejected", 0))
    d = e.process(sell(at(13, 10, 5), "7203", 100, session_id="N", **ABROAD))
    assert d.decision == "deny" and "session_rejected_by_staff" in d.reasons and "open_case" in d.actions
    assert "d-new" not in e.state.account("A1").devices  # the attacker's device is forgotten
    d = e.process(login(at(13, 11), session_id="C", **ABROAD))
    assert d.decision == "deny" and "rejected_client_returns" in d.reasons
    d = e.process(
        login(at(13, 11, 30), session_id="C2", **STRANGER)
    )  # another stranger: weighed, not refused
    assert "rejected_client_returns" not in d.reasons
    # the customer at home is not touched
    assert e.process(login(at(13, 12), session_id="H", **HOME)).decision == "allow"
    assert e.process(sell(at(13, 12, 1), "7203", 100, session_id="H", **HOME)).decision == "allow"


def test_a_passkey_holder_is_asked_for_it_when_the_rejected_client_returns():
    e = engine(factors=("sms", "passkey"))
    first = held_sale(e)
    e.process(reviewed(first.event_id, "rejected", 0))
    d = e.process(login(at(13, 11), session_id="C", **ABROAD))
    assert d.decision == "challenge" and d.factor == "passkey"


def test_a_review_of_an_action_never_held_changes_nothing():
    e = engine()
    e.process(login(at(13, 9), session_id="H", **HOME))
    before = e.state.account("A1").devices.copy(), e.policy.budget.total
    e.process(reviewed("e-unknown", "released", 0))
    assert (e.state.account("A1").devices, e.policy.budget.total) == before
