from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.liquidation import Liquidation
from kozaguard.engine.detectors.new_device import NewDevice
from kozaguard.engine.engine import Engine
from scenarios import ABROAD, HOME, history
from streams import at, ev, login, sell


def run(events):
    engine = Engine(memory_state(), [NewDevice(), Liquidation()])
    return [engine.process(e) for e in events][-1]


def test_selling_out_from_home_is_allowed():
    d = run([*history(), sell(at(3, 9, 1), "7203", 300, session_id="H3", **HOME)])
    assert d.decision == "allow" and d.reasons == ["sell_out"]


def test_selling_out_on_a_risky_session_is_held():
    d = run(
        [
            *history(),
            login(at(3, 9), session_id="R1", **ABROAD),
            sell(at(3, 9, 1), "7203", 300, session_id="R1", **ABROAD),
        ]
    )
    assert d.decision == "hold" and d.reasons == ["sell_out_on_risky_session"]


def test_a_small_first_sale_on_a_risky_session_is_held_too():
    d = run(
        [
            *history(),
            login(at(3, 9), session_id="R1", **ABROAD),
            sell(at(3, 9, 1), "7203", 100, session_id="R1", **ABROAD),
        ]
    )
    assert d.decision == "hold" and d.reasons == ["sale_on_risky_session"]


def test_selling_part_from_home_is_ordinary():
    d = run([*history(), sell(at(3, 9, 1), "7203", 100, session_id="H3", **HOME)])
    assert d.decision == "allow" and d.reasons == []


def test_an_email_change_today_tips_a_new_phone_session_over():
    phone = {"device_id": "d-phone", "ip": HOME["ip"], "user_agent": "Android"}
    base = [*history(), login(at(3, 8, 20), session_id="N", **phone)]
    assert run([*base, sell(at(3, 9, 1), "7203", 300, session_id="N", **phone)]).decision == "allow"
    change = ev("profile.change", at(3, 8, 30), session_id="N", field="email", **phone)
    assert run([*base, change, sell(at(3, 9, 1), "7203", 300, session_id="N", **phone)]).decision == "hold"
