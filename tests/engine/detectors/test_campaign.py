"""The campaign as an object: its clients are held for days, and so is the crew's own account."""

from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors.campaign import Campaign
from kozaguard.engine.detectors.pump_campaign import PumpCampaign
from kozaguard.engine.engine import Engine
from scenarios import HOME, history
from streams import at, buy, ev, sell

CREW = {"ip": "203.0.113.7", "device_id": "d-crew"}


def run(events):
    engine = Engine(memory_state(), [PumpCampaign(accounts=3), Campaign()])
    return [engine.process(e) for e in events][-1]


def campaign(day=3):
    """Three accounts on sessions never seen logging in buy the thin symbol far above the market
    from the crew's client; the fourth buy is the campaign's (the symbol restricted by then)."""
    return [
        buy(at(day, 9, 10 + i), "9999", 5000, 100, account_id=f"V{i}", session_id=f"v{i}", **CREW)
        for i in range(4)
    ]


def test_another_accounts_order_from_the_campaigns_client_is_held_for_days():
    later = sell(at(5, 10), "7203", 100, session_id="S9", **CREW)  # A1's holding, the crew's proxy
    d = run([*history(), *campaign(), later])
    assert d.decision == "hold" and "campaign_infrastructure" in d.reasons
    customer = sell(at(5, 10), "7203", 100, session_id="S9", **HOME)
    assert run([*history(), *campaign(), customer]).decision == "allow"
    too_late = sell(at(9, 10), "7203", 100, session_id="S9", **CREW)  # past keep_days (3)
    assert run([*history(), *campaign(), too_late]).decision == "allow"


def test_the_account_that_sells_into_the_pump_what_it_bought_before_is_the_crews():
    stake = buy(at(2, 10), "9999", 3000, 84, session_id="C1", **HOME)  # 3,000 of 40,000 a day
    dump = sell(at(3, 11), "9999", 3000, session_id="C2", **HOME)
    nxt = buy(at(4, 10), "9999", 3000, 84, session_id="C3", **HOME)  # the next stake
    d = run([*history(), stake, *campaign(), dump, nxt])
    assert d.decision in ("hold", "deny") and "campaign_seller" in d.reasons  # deny: still restricted
    small = buy(at(4, 10), "7203", 100, 2500, session_id="C3", **HOME)  # an ordinary order
    assert run([*history(), stake, *campaign(), dump, small]).decision == "allow"


def test_customers_holding_the_symbol_long_may_sell_into_the_spike():
    long_ago = ev(
        "account.snapshot",
        at(1, 7, 1),
        account_id="A1",
        cash_jpy=2_000_000,
        positions=[
            {"symbol": "7203", "qty": 300, "avg_cost": 2400},
            {"symbol": "9999", "qty": 3000, "avg_cost": 80},
        ],
    )
    dump = sell(at(3, 11), "9999", 3000, session_id="C2", **HOME)
    nxt = buy(at(4, 10), "9999", 3000, 84, session_id="C3", **HOME)
    assert "campaign_seller" not in run([*history(), long_ago, *campaign(), dump, nxt]).reasons


def test_campaign_stops_are_floors():
    from kozaguard.engine.policy import FLOORS

    assert {"campaign_infrastructure", "campaign_seller"} <= FLOORS
