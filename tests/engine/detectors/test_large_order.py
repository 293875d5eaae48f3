from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.large_order import LargeOrder
from kozaguard.engine.detectors.new_device import NewDevice
from kozaguard.engine.engine import Engine
from scenarios import ABROAD, HOME, history
from streams import at, buy, login, sell

# history(): 2,000,000 yen cash + 300 shares of 7203 at 2,500 = 2,750,000 yen


def run(events):
    engine = Engine(memory_state(), [NewDevice(), LargeOrder()])
    return [engine.process(e) for e in [*history(), *events]][-1]


def test_large_order_on_a_risky_session_is_held():
    d = run(
        [
            login(at(3, 9), session_id="R", **ABROAD),
            buy(at(3, 9, 1), "7203", 400, 2500, session_id="R", **ABROAD),
        ]
    )
    assert d.decision == "hold" and d.reasons == ["large_order_on_risky_session"]


def test_large_order_from_home_passes():
    d = run([buy(at(3, 9, 1), "7203", 400, 2500, session_id="H3", **HOME)])
    assert d.decision == "allow" and d.reasons == []


def test_small_order_on_a_risky_session_passes():
    d = run(
        [login(at(3, 9), session_id="R", **ABROAD), sell(at(3, 9, 1), "7203", 100, session_id="R", **ABROAD)]
    )
    assert d.decision == "allow"


def test_home_session_that_moved_to_an_unknown_network_counts_as_risky():
    moved = {"device_id": "d-home", "ip": "2400:4050::1"}
    d = run([buy(at(3, 9, 1), "7203", 400, 2500, session_id="H3", **moved)])
    assert d.decision == "hold"
