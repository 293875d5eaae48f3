"""The evidence score: a stranger's session and an emptied account weigh; the customer's habits do not."""

from __future__ import annotations

from kozaguard.adapters.memory import memory_state
from kozaguard.engine.evidence import Evidence, probability
from kozaguard.engine.network import ip_info
from kozaguard.engine.state import Account, Session, Symbol
from streams import at, buy, sell


def setup():
    state = memory_state()
    state.symbols.put(
        "7203", Symbol(symbol="7203", market="TSE-PRIME", last=2500.0, ask=2500.0, avg_volume=1e7)
    )
    state.symbols.put(
        "9999", Symbol(symbol="9999", market="TSE-STANDARD", last=100.0, ask=100.0, avg_volume=1e5)
    )
    account = Account(account_id="A1", positions={"7203": 300.0}, cash_jpy=2_000_000, logins=10)
    account.networks = {ip_info("126.10.20.30").network: 0.0}
    return state, account


def session(**flags) -> Session:
    net = ip_info("126.10.20.30")
    base = dict(session_id="S1", account_id="A1", ip="126.10.20.30", network=net.network, country=net.country)
    ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1"
    return Session(**base, user_agent=ua, device_id="d-home", opened_at=0.0, **flags)


def score(event, account, s, state):
    return Evidence().score_one(event, account, s, state, ip_info(event.ip), 1e9)


def test_a_strangers_session_selling_out_outweighs_the_customers_own():
    state, account = setup()
    own = score(sell(at(3, 10), "7203", 300), account, session(), state)
    stranger = session(new_device=True, new_network=True, new_place=True, stranger_network=True, shared=2)
    theirs = score(sell(at(3, 10), "7203", 300), account, stranger, state)
    assert theirs - own >= 8.0
    assert probability(theirs) > 0.5 > probability(own)


def test_a_session_driven_from_another_client_is_strong_evidence():
    state, account = setup()
    moved = sell(at(3, 10), "7203", 100, user_agent="python-requests/2.31")
    assert score(moved, account, session(), state) >= 6.0


def test_a_pump_buy_after_sales_adds_up():
    state, account = setup()
    s = session(new_device=True, sold_jpy=750_000.0)
    pump = score(buy(at(3, 11), "9999", 20_000, 120), account, s, state)
    plain = score(buy(at(3, 11), "7203", 100, 2500), account, session(), state)
    assert pump - plain >= 4.0


def test_learn_one_makes_the_customers_markets_and_sizes_familiar():
    state, account = setup()
    ev = Evidence()
    order = buy(at(3, 11), "9999", 100, 100)
    before = ev.score_one(order, account, session(), state, ip_info(order.ip), 1e9)
    for _ in range(6):
        ev.learn_one(order, account, state, 1e9)
        account.orders += 1
    assert "TSE-STANDARD" in account.markets and account.order_size[0] > 0
    assert ev.score_one(order, account, session(), state, ip_info(order.ip), 1e9) <= before


def test_a_suspected_account_weighs_only_on_a_strangers_session():
    """A mark (shared crew infrastructure, a reported code) raises a stranger's session, never the
    customer's own devices, and expires."""
    from kozaguard.engine.suspicion import mark

    state, account = setup()
    order = sell(at(3, 10), "7203", 100)
    stranger = session(new_device=True)
    own_before = score(order, account, session(), state)
    stranger_before = score(order, account, stranger, state)
    mark(account, "shared_infrastructure", 1e9 - 3600)
    assert score(order, account, session(), state) == own_before
    assert score(order, account, stranger, state) - stranger_before >= 4.0
    ev = Evidence()
    later = ev.score_one(order, account, stranger, state, ip_info(order.ip), 1e9 + 8 * 86400)
    assert later == stranger_before
