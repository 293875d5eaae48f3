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
