"""System attribution on hand-written streams: a takeover is found by its monetisation (pump orders
across accounts, the attacker's devices elsewhere), and a customer's own new phone or a session that
merely changed country is not taken for the attacker's."""

from __future__ import annotations

from kozaguard.cases.build import build
from kozaguard.cases.pump import PumpWatch
from kozaguard.engine.network import address_block
from kozaguard.events.codec import encode
from kozaguard.events.schema import Decision
from streams import at, buy, ev, login, sell

THIN = "9999"


def locate(ip: str) -> tuple[str, str, bool]:
    return ("US" if ip.startswith("45.") else "JP", "AS-" + ip.split(".")[0], ip.startswith("45."))


def opening(accounts: list[str]) -> list:
    out = [
        ev("instrument", at(1, 7), symbol=s, name=s, market="TSE-PRIME", currency="JPY", lot_size=100)
        for s in ("7203", THIN)
    ]
    for a in accounts:
        out.append(
            ev(
                "account.opened",
                at(1, 7),
                account_id=a,
                birth_year=1960,
                prefecture="東京都",
                margin_enabled=False,
                foreign_enabled=False,
                factors=["sms"],
            )
        )
        out.append(
            ev(
                "account.snapshot",
                at(1, 7),
                account_id=a,
                cash_jpy=100_000,
                positions=[{"symbol": "7203", "qty": 400, "avg_cost": 2400}],
            )
        )
    return out


def quotes(day: int) -> list:
    return [
        ev(
            "market.quote",
            at(day, 9),
            symbol="7203",
            last=2500,
            bid=2499,
            ask=2501,
            prev_close=2500,
            volume_today=1,
        ),
        ev(
            "market.quote", at(day, 9), symbol=THIN, last=100, bid=99, ask=101, prev_close=100, volume_today=1
        ),
    ]


def home(a: str, day: int, device: str | None = None) -> list:
    ctx = {
        "account_id": a,
        "session_id": f"h-{a}-{day}",
        "device_id": device or f"d-{a}",
        "ip": f"126.1.{ord(a[-1])}.7",
    }
    return [login(at(day, 10), **ctx), buy(at(day, 10, 5), "7203", 100, 2500, **ctx)]


def takeover(a: str, day: int, limit: float | None = 130.0) -> list:
    ctx = {"account_id": a, "session_id": f"x-{a}", "device_id": "d-evil", "ip": "45.1.2.3"}
    return [
        login(at(day, 13), **ctx),
        sell(at(day, 13, 1), "7203", 400, **ctx),
        buy(at(day, 13, 5), THIN, 1000, limit, **ctx),
    ]


def run(events: list, decisions: dict[str, Decision] | None = None):
    lines = [encode(e) + b"\n" for e in sorted(events, key=lambda e: e.ts)]
    return build(lambda: iter(lines), decisions or {}, locate=locate, block=address_block)


def attributed(built, account: str) -> set[str]:
    return {k[0] for k in built.attribution[account].segments} if account in built.attribution else set()


def test_pump_orders_need_several_accounts_bidding_far_above_the_last_price():
    watch = PumpWatch()
    for e in [*quotes(6), *takeover("A1", 6), *takeover("A2", 6, limit=104.0)]:
        watch.observe(e)
    assert watch.orders() == {}  # A2 bid only 4% above the last price: one account is no pump
    watch.observe(takeover("A3", 6)[2])
    assert set(watch.orders()) == {"A1", "A3"} and len(watch.days()) == 1


def test_a_campaign_is_found_from_its_pump_orders_alone():
    events = opening(["A1", "A2", "A3"])
    for day in range(1, 6):
        events += quotes(day) + home("A1", day) + home("A2", day) + home("A3", day)
    events += quotes(6) + takeover("A1", 6) + takeover("A2", 6)
    built = run(events)  # no report, no engine decision: nothing but the stream
    assert attributed(built, "A1") == {"x-A1"} and attributed(built, "A2") == {"x-A2"}
    sold = [o for o in built.files["A1"].orders.values() if o.side == "sell"]
    assert [o.order_id in built.attribution["A1"].orders for o in sold] == [True]  # the sale that paid for it
    assert "A3" not in built.files  # the customer who did nothing unusual has no case


def test_the_attacker_device_on_another_account_is_the_attacker_there_too():
    events = opening(["A1", "A2", "A3"])
    for day in range(1, 6):
        events += quotes(day) + home("A1", day) + home("A2", day) + home("A3", day)
    events += quotes(6) + takeover("A1", 6) + takeover("A2", 6)
    events += [login(at(6, 14), account_id="A3", session_id="x-A3", device_id="d-evil", ip="45.1.2.3")]
    built = run(events)
    assert attributed(built, "A3") == {"x-A3"}
    assert built.attribution["A3"].segments[next(iter(built.attribution["A3"].segments))] == [
        "shared_infrastructure",
        "unfamiliar_client",
    ]


def test_a_customer_new_phone_that_he_goes_on_using_is_his():
    events = opening(["A1", "A2"])
    for day in range(1, 6):
        events += quotes(day) + home("A1", day) + home("A2", day)
    events += quotes(6) + takeover("A1", 6)
    ctx = {"account_id": "A2", "session_id": "n-A2", "device_id": "d-new", "ip": "126.9.9.9"}
    events += [login(at(6, 14), **ctx), buy(at(6, 14, 5), THIN, 1000, 130.0, **ctx)]  # chases the rise
    for day in range(7, 10):
        events += quotes(day) + home("A2", day, device="d-new")
    built = run(events)
    assert attributed(built, "A1") == {"x-A1"}
    assert attributed(built, "A2") == set()  # same bid, but his phone from then on


def test_suspicion_without_monetisation_attributes_nothing():
    events = opening(["A1"])
    for day in range(1, 6):
        events += quotes(day) + home("A1", day)
    ctx = {"account_id": "A1", "session_id": "t-A1", "device_id": "d-A1"}
    moved = buy(at(6, 11), "7203", 100, 2500, ip="73.1.1.1", **ctx)  # the session changed country
    events += [*quotes(6), login(at(6, 10), ip="126.1.49.7", **ctx), moved]
    hold = Decision(
        event_id=moved.event_id,
        decision="hold",
        score=0.9,
        reasons=["session_country_changed"],
        actions=["open_case"],
    )
    built = run(events, {moved.event_id: hold})
    assert "A1" in built.files  # the engine asked for a case
    assert attributed(built, "A1") == set()  # but an ordinary buy on his own device is his


def test_customers_who_chase_a_rise_on_their_own_devices_are_not_the_attacker():
    events = opening(["A1", "A2"])
    for day in range(1, 6):
        events += quotes(day) + home("A1", day) + home("A2", day)
    events += quotes(6)
    for a in ("A1", "A2"):  # both bid far above the last price, from home, unquestioned
        ctx = {"account_id": a, "session_id": f"c-{a}", "device_id": f"d-{a}", "ip": f"126.1.{ord(a[-1])}.7"}
        events += [login(at(6, 11), **ctx), buy(at(6, 11, 5), THIN, 1000, 130.0, **ctx)]
    built = run(events)
    assert attributed(built, "A1") == set() and attributed(built, "A2") == set()  # their own bids
    assert set(built.files) == set()  # read in as pump orders, no case for them


def test_the_client_that_opens_the_account_is_its_owner():
    events = opening(["A1", "A2"])
    for day in range(1, 6):
        events += quotes(day) + home("A1", day) + home("A2", day)
    crew = ev(
        "account.opened",
        at(6, 8),
        account_id="B9",
        birth_year=1990,
        prefecture="千葉県",
        margin_enabled=False,
        foreign_enabled=False,
        factors=["sms"],
    )
    ctx = {"account_id": "B9", "session_id": "o-B9", "device_id": "d-B9", "ip": "45.9.9.9"}
    bought = buy(at(6, 9), THIN, 5000, 100.0, **ctx)
    sold = sell(at(6, 14), THIN, 5000, **ctx)
    events += [
        *quotes(6),
        crew,
        login(at(6, 8, 10), **ctx),
        bought,
        sold,
        *takeover("A1", 6),
        *takeover("A2", 6),
    ]
    hold = Decision(
        event_id=sold.event_id, decision="hold", score=0.9, reasons=["campaign_seller"], actions=["open_case"]
    )
    built = run(events, {sold.event_id: hold})
    assert attributed(built, "A1") == {"x-A1"}
    assert "B9" in built.files  # the engine asked for a case on the account that sold into the pump
    assert attributed(built, "B9") == set()  # but its orders are its own holder's, not a victim's


def test_the_engine_campaign_finding_is_shared_infrastructure():
    events = opening(["A1"])
    for day in range(1, 6):
        events += quotes(day) + home("A1", day)
    ctx = {"account_id": "A1", "session_id": "x-A1", "device_id": "d-crew", "ip": "45.1.2.3"}
    stake = sell(at(6, 13, 1), "7203", 400, **ctx)
    events += [*quotes(6), login(at(6, 13), **ctx), stake]
    hold = Decision(
        event_id=stake.event_id,
        decision="hold",
        score=0.9,
        reasons=["campaign_infrastructure"],
        actions=["open_case"],
    )
    built = run(events, {stake.event_id: hold})
    assert built.attribution["A1"].segments[("x-A1", "d-crew", ctx_ua(built, "A1"), "")] == [
        "takeover_decision",
        "shared_infrastructure",
        "unfamiliar_client",
    ]


def ctx_ua(built, account: str) -> str:
    return next(iter(built.attribution[account].segments))[2]


def challenged(event) -> Decision:
    return Decision(
        event_id=event.event_id,
        decision="challenge",
        score=0.6,
        reasons=["new_device", "new_network"],
        actions=["open_case"],
        factor="sms",
    )


def test_a_sale_then_a_bid_far_above_the_market_on_one_account_alone():
    events = opening(["A1", "A2"])
    for day in range(1, 6):
        events += quotes(day) + home("A1", day) + home("A2", day)
    events += quotes(6)
    stolen = takeover("A1", 6)  # one account only: no pump across accounts
    ctx = {"account_id": "A2", "session_id": "n-A2", "device_id": "d-new", "ip": "45.7.7.7"}
    new_phone = login(at(6, 14, 50), **ctx)  # a bid far above first, then a sale: not paid for so
    events += [
        *stolen,
        new_phone,
        buy(at(6, 15), "7203", 100, 2700.0, **ctx),
        sell(at(6, 15, 5), "7203", 400, **ctx),
    ]
    built = run(
        events, {stolen[0].event_id: challenged(stolen[0]), new_phone.event_id: challenged(new_phone)}
    )
    assert attributed(built, "A1") == {"x-A1"}
    assert "far_above_market" in next(iter(built.attribution["A1"].segments.values()))
    assert attributed(built, "A2") == set()


def test_without_history_before_the_trouble_a_client_seen_once_is_not_familiar():
    events = opening(["A1"]) + quotes(6) + quotes(7)  # no login of the customer's in the stream
    first = {"account_id": "A1", "session_id": "x1", "device_id": "d-evil", "ip": "45.1.2.3"}
    again = {"account_id": "A1", "session_id": "x2", "device_id": "d-evil", "ip": "45.1.2.4"}
    held = sell(at(7, 13, 1), "7203", 200, **again)
    events += [
        login(at(6, 13), **first),
        sell(at(6, 13, 1), "7203", 200, **first),
        login(at(7, 13), **again),
        held,
    ]
    hold = Decision(
        event_id=held.event_id,
        decision="hold",
        score=0.9,
        reasons=["campaign_infrastructure"],
        actions=["open_case"],
    )
    built = run(events, {held.event_id: hold})
    assert attributed(built, "A1") == {"x1", "x2"}  # the first visit did not make the device his


def test_a_symbol_without_quotes_is_bid_against_its_close_or_the_broker_own_earlier_fills():
    watch = PumpWatch()
    bar = ev(
        "market.bar",
        at(5, 16),
        symbol=THIN,
        date="2025-04-11",
        open=100,
        high=100,
        low=100,
        close=100,
        volume=1,
    )
    fill = ev(
        "order.fill",
        at(5, 10),
        order_id="f0",
        account_id="A9",
        symbol="7203",
        side="buy",
        qty=100,
        price=2500,
        fee_jpy=0,
    )
    today = ev(
        "order.fill",
        at(6, 9),
        order_id="f1",
        account_id="A8",
        symbol="7203",
        side="buy",
        qty=100,
        price=2900,
        fee_jpy=0,
    )
    for e in [bar, fill, today]:
        watch.observe(e)
    assert watch.market(THIN, bar.ts.date()) == 100  # no quote ever: the day's close
    assert watch.market("7203", today.ts.date()) == 2500  # today's fills are the pump's own
    for a in ("A1", "A2"):
        watch.observe(
            buy(at(6, 13), THIN, 1000, 130.0, account_id=a, session_id="s", device_id="d", ip="45.1.1.1")
        )
        watch.observe(
            buy(at(6, 13), "7203", 100, 2700.0, account_id=a, session_id="s", device_id="d", ip="45.1.1.1")
        )
    assert len(watch.days()) == 2 and set(watch.orders()) == {"A1", "A2"}


def test_a_session_used_after_its_logout_from_another_address_is_taken_over():
    events = opening(["A1", "A2"])
    for day in range(1, 6):
        events += quotes(day) + home("A1", day) + home("A2", day)
    events += quotes(6) + takeover("A2", 6)
    own = {"account_id": "A1", "session_id": "h-A1-5", "device_id": "d-A1"}
    events += [ev("auth.logout", at(5, 11), ip="126.1.49.7", **own)]  # the customer logged out
    events += [
        sell(at(6, 12), "7203", 400, ip="126.2.9.9", **own),
        buy(at(6, 12, 5), THIN, 1000, 130.0, ip="126.2.9.9", **own),
    ]
    built = run(events)  # same device id and browser: only the replayed cookie gives it away
    assert attributed(built, "A1") == {"h-A1-5"}
    assert "resumed_after_logout" in next(iter(built.attribution["A1"].segments.values()))
    assert len(built.attribution["A1"].orders) == 2  # the sale and the bid it paid for


def test_a_hijacked_session_was_the_customer_own_until_the_hijack():
    events = opening(["A1", "A2"])
    for day in range(1, 6):
        events += quotes(day) + home("A1", day) + home("A2", day)
    events += quotes(6) + takeover("A2", 6)
    ses = {"account_id": "A1", "session_id": "n-A1", "device_id": None}
    own = [login(at(6, 9), ip="126.7.7.7", **ses), sell(at(6, 9, 5), "7203", 100, ip="126.7.7.7", **ses)]
    hijack = sell(at(6, 13), "7203", 300, ip="45.3.3.3", **ses)
    pump = buy(at(6, 13, 5), THIN, 1000, 130.0, ip="45.3.3.4", **ses)
    events += [*own, hijack, pump]
    moved = {
        e.event_id: Decision(
            event_id=e.event_id,
            decision="deny",
            score=0.9,
            reasons=["session_client_changed"],
            actions=["open_case"],
        )
        for e in (hijack, pump)
    }
    built = run(events, moved)  # no device id: each address is a client of its own on the session
    segs = built.attribution["A1"].segments
    assert {k[3] for k in segs} == {"45.3.3.3", "45.3.3.4"}  # the morning's client (his new phone) is his
    assert own[1].order_id not in built.attribution["A1"].orders
