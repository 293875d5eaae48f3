from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.sell_off import SellOff
from kozaguard.engine.detectors.staff_rejected import StaffRejected
from kozaguard.engine.engine import Engine
from scenarios import ABROAD, HOME, history, judge
from streams import at, ev, login, sell


def rejected(event_id="e-x", day=3):
    return ev(
        "review.decided",
        at(day, 8),
        account_id="A1",
        reviewed_event_id=event_id,
        outcome="rejected",
        staff_id="st-1",
    )


def allowed(d):
    return d is None or d.decision == "allow"


def test_a_strangers_login_after_a_rejection_is_refused_without_a_passkey_and_challenged_with_one():
    d = judge(StaffRejected(), [*history(), rejected(), login(at(3, 9), session_id="X", **ABROAD)])
    assert d.decision == "deny" and d.reasons == ["rejected_takeover_new_device"]
    passkey = history(factors=("passkey",))
    d = judge(StaffRejected(), [*passkey, rejected(), login(at(3, 9), session_id="X", **ABROAD)])
    assert d.decision == "challenge" and d.factor == "passkey"


def test_the_customers_own_device_and_a_stranger_a_week_later_are_left_alone():
    assert allowed(judge(StaffRejected(), [*history(), rejected(), login(at(3, 9), session_id="H", **HOME)]))
    late = login(at(11, 9), session_id="X", **ABROAD)  # eight days on
    assert allowed(judge(StaffRejected(), [*history(), rejected(), late]))


def test_every_later_action_of_the_rejected_session_is_refused():
    engine = Engine(memory_state(), [SellOff(), StaffRejected()])
    sales = [sell(at(3, 9, m), "7203", 100, session_id="X", **HOME) for m in (1, 5)]  # stolen cookie
    for e in history():
        engine.process(e)
    engine.process(sales[0])
    assert engine.process(sales[1]).decision == "hold"
    engine.process(rejected(sales[1].event_id, day=4))
    d = engine.process(sell(at(4, 9), "7203", 100, session_id="X", **HOME))
    assert d.decision == "deny" and "session_rejected_by_staff" in d.reasons
    assert allowed(engine.process(sell(at(4, 9, 1), "7203", 100, session_id="H4", **HOME)))  # his own


def test_without_a_rejection_nothing_is_found():
    assert allowed(judge(StaffRejected(), [*history(), login(at(3, 9), session_id="X", **ABROAD)]))
