from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.sell_then_pump import SellThenPump
from kozaguard.engine.engine import Engine
from scenarios import ABROAD, HOME, history
from streams import at, buy, login, sell


def run(events):
    engine = Engine(memory_state(), [SellThenPump()])
    return [engine.process(e) for e in events][-1]


def test_a_doubtful_session_that_sold_out_and_buys_above_the_market_is_held():
    """A session never seen logging in (a stolen cookie) empties the account, then pumps."""
    events = [*history(), sell(at(3, 9, 1), "7203", 300, session_id="R", **ABROAD)]
    d = run([*events, buy(at(3, 9, 5), "9999", 5000, 100, session_id="R", **ABROAD)])
    assert d.decision == "hold" and "buy_above_market_after_selloff" in d.reasons
    assert run([*events, buy(at(3, 9, 5), "9999", 100, 85, session_id="R", **ABROAD)]).decision != "hold"


def test_the_customer_selling_out_at_home_and_buying_above_the_market_is_left_alone():
    events = [
        *history(),
        login(at(3, 9), session_id="H", **HOME),
        sell(at(3, 9, 1), "7203", 300, session_id="H", **HOME),
    ]
    assert run([*events, buy(at(3, 9, 5), "9999", 5000, 100, session_id="H", **HOME)]).decision == "allow"
