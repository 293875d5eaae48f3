from kozaguard.engine.detectors.sell_off import SellOff
from scenarios import HOME, history, judge
from streams import at, sell


def test_selling_most_holdings_on_a_session_never_seen_logging_in_is_held_from_the_crossing_sale():
    # a stolen session cookie: the session was opened before anything the engine saw
    first = sell(at(3, 9, 1), "7203", 100, session_id="X", **HOME)  # a third of the holdings
    assert judge(SellOff(), [*history(), first]).decision == "allow"
    second = sell(at(3, 9, 5), "7203", 100, session_id="X", **HOME)  # two thirds, sold in one sitting
    d = judge(SellOff(), [*history(), first, second])
    assert d.decision == "hold" and d.reasons == ["session_sells_most_holdings"]


def test_customer_selling_out_on_his_own_session_is_left_alone():
    sales = [sell(at(3, 9, m), "7203", 100, session_id="H3", **HOME) for m in (1, 5, 9)]
    assert judge(SellOff(), [*history(), *sales]).decision == "allow"
