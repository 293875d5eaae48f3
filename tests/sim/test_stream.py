"""The simulated stream is valid v1, reproducible, and faithful to the realism claims of domain.md."""

from __future__ import annotations

import hashlib
from collections import defaultdict

import iptocc
import pytest

from kozaguard.events.schema import Action, Fill, MarketBar, MarketQuote, OrderNew
from kozaguard.sim.config import ConfigError, load
from kozaguard.sim.hard_cases import CASES

from .conftest import make_stream


def _attack_accounts(summary: dict) -> tuple[dict[str, str], dict[str, str]]:
    """attack_id -> account for victims, and for the crews' own accounts."""
    victims, own = {}, {}
    for c in summary["campaigns"]:
        own[c["own_account"]["attack_id"]] = c["own_account"]["account_id"]
        for v in c["victims"]:
            victims[v["attack_id"]] = v["account_id"]
    return victims, own


def test_strict_decoder_passes_and_time_never_goes_back(stream):
    # read_events (strict) already ran in the fixture; check the order once more explicitly.
    times = [e.ts for e in stream.events]
    assert times == sorted(times)
    assert all(e.ts.utcoffset().total_seconds() == 9 * 3600 for e in stream.events)
    assert len({e.event_id for e in stream.events}) == len(stream.events)


def test_same_seed_same_bytes(tmp_path):
    first = make_stream(tmp_path / "first", 1, "default")
    again = make_stream(tmp_path / "again", 1, "default")
    for name in ("events.jsonl", "labels.jsonl", "truth.jsonl"):
        a = hashlib.sha256((first.out / name).read_bytes()).hexdigest()
        b = hashlib.sha256((again.out / name).read_bytes()).hexdigest()
        assert a == b, name


def test_quotes_stay_within_their_days_band(stream):
    bars: dict[str, list[MarketBar]] = defaultdict(list)
    for e in stream.events:
        if isinstance(e, MarketBar):
            bars[e.symbol].append(e)
    seen: dict[str, int] = defaultdict(int)  # bars of the symbol seen so far
    checked = 0
    for e in stream.events:
        if isinstance(e, MarketBar):
            seen[e.symbol] += 1
        elif isinstance(e, MarketQuote):
            n = seen[e.symbol]
            around = bars[e.symbol][max(0, n - 1) : n + 1]
            before_first_open = n == 0 and e.last == e.prev_close  # no bar yet: yesterday's close
            assert before_first_open or any(b.low <= e.last <= b.high for b in around), (e, around)
            assert e.bid <= e.last <= e.ask
            checked += 1
    assert checked > 100


def test_fills_follow_orders_and_respect_limits(stream):
    orders: dict[str, OrderNew] = {}
    filled: dict[str, float] = defaultdict(float)
    for e in stream.events:
        if isinstance(e, OrderNew):
            assert e.order_id not in orders
            orders[e.order_id] = e
        elif isinstance(e, Fill):
            o = orders[e.order_id]  # the order came first
            assert (o.account_id, o.symbol, o.side) == (e.account_id, e.symbol, e.side)
            assert e.ts >= o.ts
            if o.limit_price is not None:
                assert e.price <= o.limit_price if o.side == "buy" else e.price >= o.limit_price
            filled[e.order_id] += e.qty
            assert filled[e.order_id] <= o.qty
    assert filled


def test_every_order_is_quoted_first(stream):
    last_quote: dict[str, object] = {}
    for e in stream.events:
        if isinstance(e, MarketQuote):
            last_quote[e.symbol] = e
        elif isinstance(e, OrderNew):
            assert e.symbol in last_quote


def test_labels_cover_attacker_events_and_only_those(stream):
    victims, own = _attack_accounts(stream.summary)
    by_id = {e.event_id: e for e in stream.events}
    attacker_sessions: set[tuple[str, str, str]] = set()
    attacker_orders: set[str] = set()
    for event_id, lab in stream.labels.items():
        e = by_id[event_id]
        account = getattr(e, "account_id", None)
        assert account == (victims.get(lab.attack_id) or own.get(lab.attack_id)), (e, lab)
        if isinstance(e, Action):
            attacker_sessions.add((e.account_id, e.session_id, e.ip))
        if isinstance(e, OrderNew):
            attacker_orders.add(e.order_id)
    assert stream.labels, "campaigns ran"
    for e in stream.events:
        labelled = e.event_id in stream.labels
        if isinstance(e, (MarketQuote, MarketBar)) or e.__struct_config__.tag in (
            "customer.report",
            "account.opened",
        ):
            assert not labelled
        if isinstance(e, Action) and (e.account_id, e.session_id, e.ip) in attacker_sessions:
            assert labelled, e
        if isinstance(e, Fill):
            assert labelled == (e.order_id in attacker_orders), e
        if getattr(e, "account_id", None) in own.values() and isinstance(e, Action):
            assert labelled, e
    hard = {eid for rec in stream.truth for eid in rec["event_ids"]}
    assert not hard & set(stream.labels)


def test_attackers_buy_the_target_above_the_market_within_the_window(stream):
    victims, _ = _attack_accounts(stream.summary)
    target_of = {v["attack_id"]: c["target"] for c in stream.summary["campaigns"] for v in c["victims"]}
    last: dict[str, float] = {}
    buys: dict[str, list] = defaultdict(list)
    for e in stream.events:
        if isinstance(e, MarketQuote):
            last[e.symbol] = e.last
        elif isinstance(e, OrderNew) and e.event_id in stream.labels and e.side == "buy":
            attack = stream.labels[e.event_id].attack_id
            if attack in victims:
                assert e.symbol == target_of[attack]
                assert e.order_type == "limit" and e.limit_price > last[e.symbol] * 1.04
                buys[e.symbol].append(e.ts)
    for times in buys.values():
        assert max(times) - min(times) <= __import__("datetime").timedelta(hours=4)
    assert buys


def test_victims_holdings_really_get_sold(stream):
    """The attacker sells every holding the victim has and has not already offered for sale."""
    victims, _ = _attack_accounts(stream.summary)
    victim_accounts = set(victims.values())
    held: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    sold: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    offered: dict[str, tuple[str, str, float]] = {}  # the customer's open sell orders: id -> (acct, sym, qty)
    first_attack: dict[str, dict[str, float]] = {}
    targets = {c["target"] for c in stream.summary["campaigns"]}
    for e in stream.events:
        tag = e.__struct_config__.tag
        account = getattr(e, "account_id", None)
        if account not in victim_accounts:
            continue
        if tag == "account.snapshot":
            for p in e.positions:
                held[account][p.symbol] += p.qty
        elif isinstance(e, Fill) and e.event_id not in stream.labels:
            held[account][e.symbol] += e.qty if e.side == "buy" else -e.qty
            if e.order_id in offered:
                a, sym, qty = offered.pop(e.order_id)
                if qty > e.qty:
                    offered[e.order_id] = (a, sym, qty - e.qty)
        elif isinstance(e, OrderNew) and e.event_id not in stream.labels and e.side == "sell":
            offered[e.order_id] = (account, e.symbol, e.qty)
        elif tag == "order.cancel":
            offered.pop(e.order_id, None)
        elif isinstance(e, OrderNew) and e.event_id in stream.labels:
            if account not in first_attack:
                free = dict(held[account])
                for a, sym, qty in offered.values():
                    if a == account:
                        free[sym] = free.get(sym, 0.0) - qty
                first_attack[account] = {s: q for s, q in free.items() if q > 0 and s not in targets}
            if e.side == "sell":
                sold[account][e.symbol] += e.qty
    assert first_attack
    for account, before in first_attack.items():
        for symbol, qty in before.items():
            assert sold[account][symbol] >= qty, (account, symbol, qty, dict(sold[account]))


def test_legit_hard_cases_are_present_and_unlabelled(stream):
    cases = {rec["case"] for rec in stream.truth}
    assert cases == set(CASES)
    assert stream.summary["hard_cases"]


def test_addresses_geolocate_where_claimed(stream):
    customer_ips = [e.ip for e in stream.events if isinstance(e, Action) and e.event_id not in stream.labels]
    countries = iptocc.country_code(customer_ips)
    share_jp = sum(c == "JP" for c in countries) / len(countries)
    assert 0.8 < share_jp < 1.0  # mostly at home; some travel and VPN exits
    attacker_ips = {e.ip for e in stream.events if isinstance(e, Action) and e.event_id in stream.labels}
    assert any(iptocc.country_code(ip) != "JP" for ip in attacker_ips)


def test_attackers_and_customers_look_alike_in_format(stream):
    def shapes(events):
        return {(len(e.session_id), len(e.device_id or "x" * 36)) for e in events}

    actions = [e for e in stream.events if isinstance(e, Action)]
    attacker = [e for e in actions if e.event_id in stream.labels]
    customer = [e for e in actions if e.event_id not in stream.labels]
    assert shapes(attacker) <= shapes(customer)


def test_summary_records_warmup_end(stream):
    first_label = min(e.ts for e in stream.events if e.event_id in stream.labels)
    assert stream.summary["from"] <= first_label.isoformat()
    assert stream.summary["attack_notional_jpy"] > 0


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"customers": "many"}, "customers"),
        ({"capability_mix": {"magic": 1.0}}, "capability_mix"),
        ({"warmup_days": 9, "days": 5}, "warmup_days"),
        ({"warmup_days": 2, "quiet_days": 2, "days": 4}, "quiet_days"),
        ({"limit_markup": [0.5, 0.1]}, "limit_markup"),
        ({"start_date": "2031-01-01"}, "start_date"),
    ],
)
def test_bad_config_names_the_key(override, key):
    with pytest.raises(ConfigError, match=f"`{key}`"):
        load(None, override)


def test_unknown_config_key_is_refused(tmp_path):
    path = tmp_path / "sim.toml"
    path.write_text("customers = 100\ncustomer_count = 5\n")
    with pytest.raises(ConfigError, match="customer_count"):
        load(path, {})


def test_every_order_line_carries_limit_price_null_on_market_orders(stream):
    """The spec lists `limit_price` on every order: `null` for a market order, the price for a limit."""
    import json

    orders = [
        json.loads(line)
        for line in (stream.out / "events.jsonl").read_text().splitlines()
        if '"type":"order.new"' in line
    ]
    market = [o for o in orders if o["order_type"] == "market"]
    limit = [o for o in orders if o["order_type"] == "limit"]
    assert market and limit
    assert all("limit_price" in o and o["limit_price"] is None for o in market)
    assert all(o["limit_price"] > 0 for o in limit)
