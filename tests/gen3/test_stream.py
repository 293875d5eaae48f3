"""gen3's stream keeps the v1 contract and its labels are exact."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import msgspec
from bench.gen3.profiles import profile
from bench.gen3.world import run

from kozaguard.events.codec import read_events, read_labels
from kozaguard.events.schema import ACTION_TYPES, V1_TYPES, Fill, OrderNew


def _events(folder: Path) -> list:
    return [e for _, _, e in read_events((folder / "events.jsonl").read_bytes().splitlines(), "events.jsonl")]


def _labels(folder: Path, name: str = "labels.jsonl") -> dict:
    return {x.event_id: x for _, x in read_labels((folder / name).read_bytes().splitlines(), name)}


def test_every_line_is_valid_v1_and_ordered(small_stream):
    folder, _ = small_stream
    events = _events(folder)  # the codec raises on an invalid line or a time going backwards
    assert len(events) > 5_000
    assert {e.__struct_config__.tag for e in events} <= V1_TYPES
    assert len({e.event_id for e in events}) == len(events)
    # every type a broker sends shows up, market orders carry limit_price null
    assert {
        "auth.login",
        "order.new",
        "order.fill",
        "market.quote",
        "market.bar",
        "fx.rate",
        "customer.report",
        "cash.withdrawal",
        "cash.deposit",
        "profile.change",
    } <= {e.__struct_config__.tag for e in events}
    for line in (folder / "events.jsonl").read_bytes().splitlines()[:20000]:
        obj = json.loads(line)
        if obj["type"] == "order.new" and obj["order_type"] == "market":
            assert "limit_price" in obj and obj["limit_price"] is None


def test_same_seed_same_bytes_other_seed_other_stream(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder, seed in ((a, 5), (b, 5), (c, 6)):
        run(60, 4, 2, seed, profile("relay-heavy"), folder)
    for name in ("events.jsonl", "labels.jsonl", "crew.jsonl", "summary.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "events.jsonl").read_bytes() != (c / "events.jsonl").read_bytes()


def test_labels_name_exactly_the_attackers_events(small_stream):
    folder, summary = small_stream
    events = _events(folder)
    labels, crew = _labels(folder), _labels(folder, "crew.jsonl")
    by_id = {e.event_id: e for e in events}
    assert labels and crew and not set(labels) & set(crew)
    assert set(labels) <= set(by_id) and set(crew) <= set(by_id)
    victims = {a: cap for c in summary["campaigns"] for a, cap in c["victims"].items()}
    crew_accounts = {c["crew_account"] for c in summary["campaigns"]}
    account_of_attack: dict[str, set] = defaultdict(set)
    caps: dict[str, set] = defaultdict(set)
    for eid, lab in labels.items():
        e = by_id[eid]
        account_of_attack[lab.attack_id].add(e.account_id)
        caps[lab.attack_id].add(lab.capability)
        assert e.__struct_config__.tag != "customer.report", "a report is the customer's own"
        assert e.account_id not in crew_accounts
    for attack, accounts in account_of_attack.items():
        assert len(accounts) == 1, f"{attack} touches one account"
        assert len(caps[attack]) == 1
        if attack in victims:
            assert caps[attack] == {victims[attack]}
        else:
            assert "-t" in attack and caps[attack] == {"password"}, attack  # a credential list tried
    assert set(victims) <= set(account_of_attack)
    # a fill is labelled exactly when its order is
    order_label = {
        (e.account_id, e.order_id): (e.event_id in labels) for e in events if isinstance(e, OrderNew)
    }
    for e in events:
        if isinstance(e, Fill):
            assert (e.event_id in labels) == order_label[(e.account_id, e.order_id)]
    # a stolen cookie needs no login; the crew's account is never a customer's
    session_attacks = {a for a, cap in victims.items() if cap == "session"}
    for eid, lab in labels.items():
        if lab.attack_id in session_attacks:
            assert by_id[eid].__struct_config__.tag != "auth.login"
    for e in events:
        if getattr(e, "account_id", None) in crew_accounts and e.__struct_config__.tag in ACTION_TYPES:
            assert e.event_id in crew


def test_no_customer_session_is_labelled(small_stream):
    """Apart from stolen sessions, attacker and customer never share a session id."""
    folder, _ = small_stream
    events = _events(folder)
    labels = _labels(folder)
    attacker, customer = defaultdict(set), defaultdict(set)
    for e in events:
        if e.__struct_config__.tag in ACTION_TYPES:
            lab = labels.get(e.event_id)
            (attacker if lab and lab.capability != "session" else customer)[e.session_id].add(e.event_id)
    assert attacker and not set(attacker) & set(customer)


def test_warm_up_is_attack_free(small_stream):
    folder, summary = small_stream
    start = datetime.fromisoformat(summary["from"])
    events = {e.event_id: e for e in _events(folder)}
    for name in ("labels.jsonl", "crew.jsonl"):
        for eid in _labels(folder, name):
            assert events[eid].ts >= start, eid
    assert any(e.ts < start for e in events.values())
    assert summary["warmup_days"] == 3


def test_attacks_do_damage_in_a_pump(small_stream):
    """Each campaign's victims buy its thin symbol above the previous close, and the crew sells into it."""
    folder, summary = small_stream
    events = _events(folder)
    labels, crew = _labels(folder), _labels(folder, "crew.jsonl")
    prev_close: dict[str, float] = {}
    pumped_buys: dict[str, list[float]] = defaultdict(list)
    crew_sells: dict[str, int] = defaultdict(int)
    for e in events:
        tag = e.__struct_config__.tag
        if tag == "market.quote":
            prev_close[e.symbol] = e.prev_close
        if isinstance(e, Fill) and e.event_id in labels and e.side == "buy":
            pumped_buys[e.symbol].append(e.price / prev_close[e.symbol])
        if isinstance(e, Fill) and e.event_id in crew and e.side == "sell":
            crew_sells[e.symbol] += 1
    attacked = [c for c in summary["campaigns"] if c["victims"]]
    assert attacked
    for c in attacked:
        ratios = pumped_buys[c["symbol"]]
        assert ratios, f"{c['campaign']} bought nothing"
        assert max(ratios) > 1.1, f"{c['campaign']} did not pay up"
        assert crew_sells[c["symbol"]] > 0
    with_fills = {
        labels[e.event_id].attack_id for e in events if isinstance(e, Fill) and e.event_id in labels
    }
    assert len(with_fills) >= len(attacked)


def test_summary_describes_the_run(small_stream):
    folder, summary = small_stream
    on_disk = json.loads((folder / "summary.json").read_text())
    assert on_disk == msgspec.json.decode(msgspec.json.encode(summary))
    assert on_disk["generator"] == "gen3" and on_disk["profile"] == "default"
    assert on_disk["labels"] == len((folder / "labels.jsonl").read_bytes().splitlines())
