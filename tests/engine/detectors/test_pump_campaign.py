from kozaguard.engine.detectors.pump_campaign import PumpCampaign
from scenarios import HOME, history, judge
from streams import at, buy, login


def buyers(n, limit=100, session=None):
    """`n` accounts buying the thin symbol; by default on sessions never seen logging in (stolen)."""
    events = []
    for i in range(n):
        acct = f"V{i}"
        if session == "own":  # each customer's own session, opened without doubt
            events.append(login(at(3, 9, i), account_id=acct, session_id=f"s{i}", **HOME))
        events.append(buy(at(3, 9, 10 + i), "9999", 5000, limit, account_id=acct, session_id=f"s{i}", **HOME))
    return events


def test_third_account_buying_above_market_is_held_and_symbol_restricted():
    assert judge(PumpCampaign(accounts=3), [*history(), *buyers(2)]).decision == "allow"
    d = judge(PumpCampaign(accounts=3), [*history(), *buyers(3)])
    assert d.decision == "hold" and "restrict_symbol:9999" in d.actions
    after = buy(at(3, 10), "9999", 100, 85, session_id="H3", **HOME)
    assert judge(PumpCampaign(accounts=3), [*history(), *buyers(3), after]).reasons == ["symbol_restricted"]


def test_buyers_at_the_market_are_not_a_campaign():
    assert judge(PumpCampaign(accounts=3), [*history(), *buyers(5, limit=85)]).decision == "allow"


def test_customers_on_their_own_sessions_are_not_a_campaign():
    d = judge(PumpCampaign(accounts=3), [*history(), *buyers(5, session="own")])
    assert d.decision == "allow" and d.actions == []


def test_a_doubtful_session_paying_above_the_market_for_a_restricted_symbol_is_a_floor():
    """The campaign's own shape keeps its denial; a customer's market order only the budget's."""
    from kozaguard.engine.policy import FLOORS

    stolen = buy(at(3, 10), "9999", 100, 100, account_id="V9", session_id="s9", **HOME)
    d = judge(PumpCampaign(accounts=3), [*history(), *buyers(3), stolen])
    assert d.decision == "deny" and d.reasons == ["restricted_symbol_doubtful_session"]
    assert "restricted_symbol_doubtful_session" in FLOORS and "symbol_restricted" not in FLOORS
    at_market = buy(at(3, 10), "9999", 100, None, account_id="V9", session_id="s9", **HOME)
    assert judge(PumpCampaign(accounts=3), [*history(), *buyers(3), at_market]).reasons == [
        "symbol_restricted"
    ]
