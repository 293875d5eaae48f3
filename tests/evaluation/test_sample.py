"""The checked-in sample stream (tests/data/sample) and its report, worked out by hand."""

from __future__ import annotations

import msgspec

from kozaguard.evaluation import evaluate
from kozaguard.evaluation.report import to_json
from kozaguard.events.codec import read_decisions, read_events, read_labels
from kozaguard.events.schema import V1_TYPES


def sample_report(data_dir) -> dict:
    folder = data_dir / "sample"
    with (
        open(folder / "events.jsonl", "rb") as ev,
        open(folder / "labels.jsonl", "rb") as lab,
        open(folder / "decisions.jsonl", "rb") as dec,
    ):
        report = evaluate(read_events(ev), read_labels(lab), read_decisions(dec))
    return msgspec.json.decode(to_json(report))


def test_the_sample_is_valid_v1_and_covers_every_event_type(data_dir):
    with open(data_dir / "sample" / "events.jsonl", "rb") as f:
        types = {type(e).__struct_config__.tag for _, _, e in read_events(f)}
    assert types == V1_TYPES


def test_sample_attacks(data_dir):
    a = sample_report(data_dir)["attacks"]
    # A1 (otp_relay, K002): passes the otp login challenge, sells 7203 (damage at 09:07:02), then its
    # Hong Kong buy is held at 09:15: stopped after damage. A2 (password, K003): bad password at
    # 09:06:00, otp challenge at 09:06:30 stops it before any damage.
    assert (a["total"], a["stopped"], a["stopped_pct"]) == (2, 1, 50.0)
    assert (a["stopped_after_damage"], a["not_stopped"]) == (1, 0)
    assert a["by_capability"] == {
        "password": {"total": 1, "stopped": 1, "stopped_pct": 100.0, "stopped_at_login": 1},
        "otp_relay": {"total": 1, "stopped": 0, "stopped_pct": 0.0, "stopped_at_login": 0},
        "session": {"total": 0, "stopped": 0, "stopped_pct": None, "stopped_at_login": 0},
    }
    assert a["stopped_at"] == {"login": 1, "factor": 0, "profile": 0, "withdrawal": 0, "order": 0}
    assert a["median_seconds_to_stop"] == 30.0
    assert a["attempts"] == {
        "total": 0,
        "stopped": 0,
        "by_capability": {"password": 0, "otp_relay": 0, "session": 0},
    }
    a1, a2 = a["detail"]
    assert a1 == {
        "attack_id": "A1",
        "capability": "otp_relay",
        "accounts": ["K002"],
        "first_ts": "2025-03-17T09:01:00+09:00",
        "damage_ts": "2025-03-17T09:07:02+09:00",
        "stop_ts": "2025-03-17T09:15:00+09:00",
        "stop_event_id": "ev-0028",
        "stop_place": "order",
        "stopped": False,
        "loss_jpy": 120_400.0,
        "prevented_jpy": 114_900.0,
    }
    assert (a2["attack_id"], a2["stop_event_id"], a2["stop_place"], a2["stopped"]) == (
        "A2",
        "ev-0020",
        "login",
        True,
    )
    assert a2["damage_ts"] == "2025-03-17T09:08:01+09:00"
    assert a2["loss_jpy"] == a2["prevented_jpy"] == 380_800.0


def test_sample_loss(data_dir):
    # A1 sell 100 × 7203 at ¥2,700, fee 500, close ¥2,750: 275,000 − 269,500 = 5,500 (not prevented)
    # A1 buy 5,000 × 1357 at HK$3.00 (HKDJPY 19.1), fee 1,200; close HK$1.80 at HKDJPY 19.2:
    #    287,700 − 172,800 = 114,900 (after the hold: prevented)
    # A2 buy 1,000 × 3936 at ¥480, fee 800; no bar, last quote ¥300: 480,800 − 300,000 = 180,800
    # A2 withdrawal ¥200,000. A2 is all after its stop: 380,800 prevented.
    assert sample_report(data_dir)["loss"] == {
        "attack_loss_jpy": 501_200.0,
        "prevented_jpy": 495_700.0,
        "prevented_pct": 98.9,  # 495,700 / 501,200
        "buy_loss_jpy": 295_700.0,
        "sell_loss_jpy": 5_500.0,
        "withdrawn_jpy": 200_000.0,
        "fees_jpy": 2_500.0,
    }


COUNTS = ("count", "challenged", "challenged_otp", "challenged_passkey", "held", "denied", "locked")
RATES = tuple(f"{k}_per_1000" for k in COUNTS[1:])


def test_sample_friction(data_dir):
    f = sample_report(data_dir)["friction"]
    assert f["from"] is None
    assert f["customer_accounts"] == 3  # K001, K002 (before the attack), K004; K003 only the attacker
    assert f["accounts_locked"] == 1  # K004, after two bad passwords
    counts = {name: tuple(group[k] for k in COUNTS) for name, group in f.items() if isinstance(group, dict)}
    rates = {name: tuple(group[k] for k in RATES) for name, group in f.items() if isinstance(group, dict)}
    # Logins: K002 08:40, K001 08:45 and 10:00, K004 09:10 (otp challenge); K004's second bad
    # password at 18:01 is locked (a lock at login, not a login).
    # Orders: K001's allowed, K004's Hong Kong order challenged (otp). Withdrawals: K001's, held.
    # Profile: K004's address, allowed. Factor: K001's passkey, allowed.
    assert counts == {
        # (count, challenged, otp, passkey, held, denied, locked)
        "logins": (4, 1, 1, 0, 0, 0, 1),
        "orders": (2, 1, 1, 0, 0, 0, 0),
        "withdrawals": (1, 0, 0, 0, 1, 0, 0),
        "orders_and_withdrawals": (3, 1, 1, 0, 1, 0, 0),
        "profile_changes": (1, 0, 0, 0, 0, 0, 0),
        "factor_changes": (1, 0, 0, 0, 0, 0, 0),
    }
    assert rates == {
        # per 1,000: (challenged, otp, passkey, held, denied, locked)
        "logins": (250.0, 250.0, 0.0, 0.0, 0.0, 250.0),
        "orders": (500.0, 500.0, 0.0, 0.0, 0.0, 0.0),
        "withdrawals": (0.0, 0.0, 0.0, 1000.0, 0.0, 0.0),
        "orders_and_withdrawals": (333.33, 333.33, 0.0, 333.33, 0.0, 0.0),
        "profile_changes": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
        "factor_changes": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    }
    # the customers' own stops and challenges by reason code, stops first
    rows = {
        (r["reason"], r["action"]): (r["challenged"], r["held"], r["denied"], r["locked"])
        for r in f["by_reason"]
    }
    assert rows == {
        ("withdrawal_after_factor_change", "withdrawal"): (0, 1, 0, 0),
        ("repeated_failed_logins", "login"): (0, 0, 0, 1),
        ("new_account", "login"): (1, 0, 0, 0),
        ("first_foreign_order", "order"): (1, 0, 0, 0),
    }
    assert [r["reason"] for r in f["by_reason"]][:2] == [
        "repeated_failed_logins",
        "withdrawal_after_factor_change",
    ]


def test_sample_stream_and_checks(data_dir):
    r = sample_report(data_dir)
    assert r["schema_version"] == 2
    assert r["stream"] == {
        "events": 43,
        "first_ts": "2025-03-17T08:00:00+09:00",
        "last_ts": "2025-03-17T18:30:00+09:00",
    }
    assert r["checks"] == {
        "events": 43,
        "decisions": 17,
        "labels": 9,
        "missing_decisions": 0,
        "missing_decisions_by_type": {},
        "failed_logins_without_decision": 2,  # A2's at 09:06 and K004's first at 18:00
        "duplicate_decisions": 0,
        "warnings": [],
    }
    assert r["notes"] == []
