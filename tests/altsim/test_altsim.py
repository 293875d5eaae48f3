"""The independent stream generator: strict v1 output, determinism, labels, profile properties."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from kozaguard.events.codec import read_events, read_labels
from kozaguard.events.schema import ACTION_TYPES

ALTSIM = Path(__file__).resolve().parents[2] / "bench" / "altsim"
if str(ALTSIM) not in sys.path:
    sys.path.insert(0, str(ALTSIM))

SMALL = {"customers": 150, "days": 6}


@cache
def stream(profile: str, seed: int):
    """A small stream, built once per (profile, seed)."""
    import world

    return world.build(seed, profile=profile, **SMALL)


PROFILES = ["default", "sparse", "noisy", "mobile"]


def _write(profile: str, seed: int, tmp: Path) -> Path:
    import world

    world.write(stream(profile, seed), tmp)
    return tmp


@pytest.mark.parametrize("seed", [1, 7])
@pytest.mark.parametrize("profile", PROFILES)
def test_strict_decode(profile, seed, tmp_path):
    d = _write(profile, seed, tmp_path)
    with open(d / "events.jsonl", "rb") as f:
        ids = [e.event_id for _, _, e in read_events(f, str(d / "events.jsonl"))]
    assert len(ids) == len(set(ids)) > 1000
    with open(d / "labels.jsonl", "rb") as f:
        labelled = [lab.event_id for _, lab in read_labels(f)]
    assert labelled and set(labelled) <= set(ids)
    summary = json.loads((d / "summary.json").read_text())
    assert summary["from"] > summary["start"]


def test_offsets_are_mixed_and_ordered_by_instant():
    evs = stream("default", 1).events
    ts = [e["ts"] for e in evs]
    assert any(t.endswith("Z") for t in ts) and any(t.endswith("+09:00") for t in ts)


def test_same_seed_same_bytes(tmp_path):
    outs = []
    for i, hashseed in enumerate(["0", "12345"]):
        out = tmp_path / f"r{i}"
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        subprocess.run(
            [
                sys.executable,
                str(ALTSIM),
                "--out",
                str(out),
                "--seed",
                "3",
                "--customers",
                str(SMALL["customers"]),
                "--days",
                str(SMALL["days"]),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outs.append({n: (out / n).read_bytes() for n in ("events.jsonl", "labels.jsonl", "summary.json")})
    assert outs[0] == outs[1]
    assert stream("default", 1).events != stream("default", 7).events


@pytest.mark.parametrize("profile", PROFILES)
def test_labels_cover_exactly_the_attackers_events(profile, tmp_path):
    s = stream(profile, 1)
    d = _write(profile, 1, tmp_path)
    with open(d / "labels.jsonl", "rb") as f:
        labels = {lab.event_id: lab for _, lab in read_labels(f)}
    assert set(labels) == set(s.truth)
    start = s.meta["from"]
    by_id = {e["event_id"]: e for e in s.events}
    attacks = {a["attack_id"]: a for a in s.attacks}
    assert len(attacks) >= 3
    acct_of = defaultdict(set)
    labelled_orders = {}
    for eid, lab in labels.items():
        e = by_id[eid]
        assert e["type"] in ACTION_TYPES | {"order.fill"}, e
        assert lab.capability == attacks[lab.attack_id]["capability"]
        acct_of[lab.attack_id].add(e["account_id"])
        if e["type"] == "order.new":
            labelled_orders[e["order_id"]] = lab.attack_id
        if lab.capability == "session":
            assert e["type"] != "auth.login"  # a stolen cookie needs no login
    assert all(len(v) == 1 for v in acct_of.values())
    assert set(acct_of) == set(attacks)
    for e in s.events:
        if e["type"] == "order.fill":  # fills follow their order's label exactly
            lab = labels.get(e["event_id"])
            assert (lab.attack_id if lab else None) == labelled_orders.get(e["order_id"])
    # attacker sessions opened by a login are the attacker's alone; nothing labelled in the warm-up
    sessions = {
        by_id[i]["session_id"]
        for i, lab in labels.items()
        if "session_id" in by_id[i] and lab.capability != "session"
    }
    for e in s.events:
        if e.get("session_id") in sessions:
            assert e["event_id"] in labels
    from datetime import datetime

    t0 = datetime.fromisoformat(start)
    assert all(datetime.fromisoformat(by_id[i]["ts"].replace("Z", "+00:00")) >= t0 for i in labels)


def test_symbols_markets_and_reference_data():
    evs = stream("default", 1).events
    inst = [e for e in evs if e["type"] == "instrument"]
    bars = {e["symbol"] for e in evs if e["type"] == "market.bar"}
    syms = {e["symbol"] for e in inst}
    assert bars and bars < syms  # bars for some symbols only
    hk = [e["symbol"] for e in inst if e["market"] == "HKEX"]
    sz = [e["symbol"] for e in inst if e["market"] == "SZSE"]
    assert hk and all(
        len(x) == 4 and x[0] == "0" and e == "HKD"
        for x, e in zip(hk, [i["currency"] for i in inst if i["market"] == "HKEX"], strict=True)
    )
    assert sz and all(len(x) == 6 and x.startswith("00") for x in sz)
    ips = [e["ip"] for e in evs if e["type"] == "auth.login"]
    assert any(":" in ip for ip in ips)


def test_sparse_has_no_bars_and_few_quotes():
    sp = stream("sparse", 1).events
    de = stream("default", 1).events
    assert not [e for e in sp if e["type"] == "market.bar"]
    n = lambda evs: sum(e["type"] == "market.quote" for e in evs)  # noqa: E731
    assert n(sp) < n(de) / 3


def _customer_logins(profile):
    s = stream(profile, 1)
    return [
        e
        for e in s.events
        if e["type"] == "auth.login" and e["result"] == "password_ok" and e["event_id"] not in s.truth
    ]


def test_noisy_has_many_missing_device_ids():
    logins = _customer_logins("noisy")
    share = sum(e["device_id"] is None for e in logins) / len(logins)
    assert share >= 0.25
    base = _customer_logins("default")
    assert sum(e["device_id"] is None for e in base) / len(base) < 0.1


def _moving_sessions(profile):
    s = stream(profile, 1)
    per = defaultdict(list)
    for e in s.events:
        if e["type"] in ACTION_TYPES and e["event_id"] not in s.truth:
            per[e["session_id"]].append(e)
    multi = [v for v in per.values() if len(v) >= 2]
    moving = [v for v in multi if len({e["ip"] for e in v}) > 1]
    return multi, moving


def test_mobile_sessions_change_ip_but_not_device():
    multi, moving = _moving_sessions("mobile")
    assert len(moving) / len(multi) >= 0.25
    for v in moving:
        assert len({e["user_agent"] for e in v}) == 1
        assert len({e["device_id"] for e in v}) == 1
    d_multi, d_moving = _moving_sessions("default")
    assert len(d_moving) / len(d_multi) < len(moving) / len(multi) / 3


def test_japanese_blocks_geolocate_to_japan():
    import random

    import netpool as net
    from geoip2fast import GeoIP2Fast

    g = GeoIP2Fast(geoip2fast_data_file="geoip2fast-asn-ipv6.dat.gz")
    rng = random.Random(5)
    for table in (net.JP_HOME_V4, net.JP_HOME_V6, net.JP_MOBILE_V4, net.JP_MOBILE_V6):
        for blocks in table.values():
            for b in blocks:
                for _ in range(3):
                    ip = net.host_in(rng, b)
                    assert g.lookup(ip).country_code == "JP", (b, ip)
    for cc, blocks in net.ABROAD.items():
        for b in blocks:
            assert g.lookup(net.host_in(rng, b)).country_code == cc, b
