from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.factor_enrolment import FactorEnrolment
from kozaguard.engine.detectors.new_device import NewDevice
from kozaguard.engine.engine import Engine
from scenarios import ABROAD, HOME, history
from streams import at, ev, login


def run(events):
    engine = Engine(memory_state(), [NewDevice(), FactorEnrolment()])
    return [engine.process(e) for e in [*history(), *events]][-1]


def test_factor_added_on_a_risky_session_is_held():
    events = [
        login(at(3, 9), session_id="R", **ABROAD),
        ev("auth.factor", at(3, 9, 5), session_id="R", factor="totp", action="enrolled", **ABROAD),
    ]
    d = run(events)
    assert d.decision == "hold" and d.reasons == ["factor_added_on_risky_session"]


def test_customer_adding_a_passkey_at_home_is_welcome():
    d = run([ev("auth.factor", at(3, 9, 5), session_id="H3", factor="passkey", action="enrolled", **HOME)])
    assert d.decision == "allow"
