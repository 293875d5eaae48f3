from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.new_device import NewDevice
from kozaguard.engine.detectors.sell_off import SellOff
from kozaguard.engine.detectors.staff_rejected import StaffRejected
from kozaguard.engine.engine import Engine
from scenarios import ABROAD, HOME, history
from streams import at, ev, login, sell

OTHER = {"device_id": "d-other", "ip": "45.9.9.9", "user_agent": ABROAD["user_agent"]}


def rejected(event_id, day=3):
    return ev("review.decided", at(day, 10), account_id="A1", reviewed_event_id=event_id, outcome="rejected",
              staff_id="st-1")  # fmt: skip


def allowed(d):
    return d is None or d.decision == "allow"


def after_rejection(factors=("sms",)):
    """A stranger's session sold the holdings, held; staff rejected it."""
    engine = Engine(memory_state(), [NewDevice(), SellOff(), StaffRejected()])
    for e in history(factors=factors):
        engine.process(e)
    engine.process(login(at(3, 9), session_id="X", **ABROAD))
    sale = sell(at(3, 9, 1), "7203", 200, session_id="X", **ABROAD)
    assert engine.process(sale).decision == "hold"
    engine.process(rejected(sale.event_id))
    return engine


def test_every_later_action_of_the_rejected_session_is_refused_his_own_sessions_are_not():
    engine = after_rejection()
    d = engine.process(sell(at(3, 10, 5), "7203", 100, session_id="X", **ABROAD))
    assert d.decision == "deny" and "session_rejected_by_staff" in d.reasons
    assert allowed(engine.process(sell(at(3, 10, 6), "7203", 100, session_id="H3", **HOME)))


def test_the_rejected_client_logging_in_again_is_refused_without_a_passkey_and_challenged_with_one():
    d = after_rejection().process(login(at(3, 11), session_id="Y", **ABROAD))
    assert d.decision == "deny" and "rejected_client_returns" in d.reasons
    d = after_rejection(("sms", "passkey")).process(login(at(3, 11), session_id="Y", **ABROAD))
    assert d.decision == "challenge" and d.factor == "passkey"


def test_his_own_device_another_stranger_and_a_week_later_are_not_refused_by_it():
    engine = after_rejection()
    assert allowed(engine.process(login(at(3, 11), session_id="H", **HOME)))
    d = engine.process(login(at(3, 11, 5), session_id="O", **OTHER))
    assert d is None or "rejected_client_returns" not in d.reasons
    d = after_rejection().process(login(at(11, 9), session_id="Y", **ABROAD))  # eight days on
    assert d is None or "rejected_client_returns" not in d.reasons


def test_a_review_of_an_action_it_never_held_refuses_nothing():
    engine = Engine(memory_state(), [NewDevice(), StaffRejected()])
    for e in [*history(), rejected("e-unknown")]:
        engine.process(e)
    d = engine.process(login(at(3, 11), session_id="Y", **ABROAD))
    assert "rejected_client_returns" not in d.reasons
