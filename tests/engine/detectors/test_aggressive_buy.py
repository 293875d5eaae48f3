from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.aggressive_buy import AggressiveBuy
from kozaguard.engine.detectors.new_device import NewDevice
from kozaguard.engine.engine import Engine
from scenarios import ABROAD, HOME, history, judge
from streams import at, buy, login


def test_buy_at_the_market_passes():
    d = judge(AggressiveBuy(), [*history(), buy(at(3, 9, 1), "9999", 100, 85, session_id="H3", **HOME)])
    assert (d.decision, d.reasons) == ("allow", [])


def test_far_above_market_and_large_against_volume_is_held():
    d = judge(AggressiveBuy(), [*history(), buy(at(3, 9, 1), "9999", 20_000, 110, session_id="H3", **HOME)])
    assert d.decision == "hold" and {"limit_far_above_market", "large_vs_volume"} <= set(d.reasons)


def test_eager_customer_slightly_above_market_on_known_session_passes():
    d = judge(AggressiveBuy(), [*history(), buy(at(3, 9, 1), "9999", 500, 90, session_id="H3", **HOME)])
    assert d.decision == "allow" and d.reasons == ["limit_far_above_market"]


def test_above_market_on_a_risky_session_is_held():
    session = login(at(3, 9), session_id="R1", **ABROAD)
    engine = Engine(memory_state(), [NewDevice(), AggressiveBuy()])  # NewDevice gives the session its risk
    for e in [*history(), session]:
        engine.process(e)
    d = engine.process(buy(at(3, 9, 1), "9999", 500, 90, session_id="R1", **ABROAD))
    assert d.decision == "hold" and "risky_session" in d.reasons
