"""Staff work from the shell: moves, attribution changes, proposals under four-eyes, policies, all audited."""

from __future__ import annotations

import json

import pytest
from casekit import WORKED, export, kozaguard, ok

from kozaguard.cases.store import CaseStore


@pytest.fixture
def db(db_spec):
    ok("cases", "build", "--events", str(WORKED), "--db", db_spec)
    return db_spec


def actions(db: str) -> list[tuple[str, str]]:
    store = CaseStore(db)
    with store.unit() as u:
        out = [(e.actor, e.action) for e in u.audit_entries()]
    store.close()
    return out


def test_four_eyes_through_the_cli(db):
    ok("cases", "propose", "C000001", "--db", db, "--policy", "sbi-rakuten-2025", staff="alice")
    r = kozaguard("cases", "approve", "C000001", "--db", db, staff="alice")
    assert r.exit_code == 2
    assert "alice proposed the payout of case C000001 and cannot approve it" in r.stderr
    assert export(db)[0]["status"] == "compensation_proposed"
    ok("cases", "approve", "C000001", "--db", db, staff="bob")
    r = kozaguard("cases", "pay", "C000001", "--db", db, staff="alice")
    assert r.exit_code == 2 and "cannot also record its payment" in r.stderr
    ok("cases", "pay", "C000001", "--db", db, "--reference", "振込 2025-05-02", staff="carol")
    [case] = export(db)
    assert case["status"] == "paid"
    assert case["proposal"] == {
        "policy_id": "sbi-rakuten-2025",
        "amount": 812_500,
        "settle": "cash",
        "proposed_by": "alice",
        "approved_by": "bob",
        "paid_by": "carol",
    }
    log = actions(db)
    assert ("alice", "payout.proposed") in log and ("bob", "payout.approved") in log
    assert ("carol", "payout.paid") in log
    assert ("alice", "payout.approved") not in log


def test_staff_must_say_who_they_are(db):
    r = kozaguard("cases", "propose", "C000001", "--db", db, "--policy", "restore")
    assert r.exit_code == 2 and "--staff" in r.stderr


def test_illegal_move_names_both_states_and_changes_nothing(db):
    r = kozaguard("cases", "move", "C000001", "paid", "--db", db, staff="alice")
    assert r.exit_code == 2
    assert "from confirmed_unauthorized to paid" in r.stderr
    assert export(db)[0]["status"] == "confirmed_unauthorized"
    r = kozaguard("cases", "move", "C000001", "sideways", "--db", db, staff="alice")
    assert r.exit_code == 2 and "not a status" in r.stderr


def test_rejection_with_reason_is_audited(db):
    r = kozaguard("cases", "move", "C000001", "rejected", "--db", db, staff="alice")
    assert r.exit_code == 2 and "written reason" in r.stderr
    ok(
        "cases",
        "move",
        "C000001",
        "rejected",
        "--db",
        db,
        "--reason",
        "重複した申し出（C000002 と同一）",
        staff="alice",
    )
    ok("cases", "move", "C000001", "closed", "--db", db, staff="alice")
    assert export(db)[0]["status"] == "closed"
    assert [a for _, a in actions(db)][-2:] == ["case.moved", "case.moved"]


def test_staff_attribution_change_needs_a_reason_and_survives_a_rebuild(db):
    r = kozaguard("cases", "attribute", "C000001", "O1", "--own", "--db", db, staff="alice")
    assert r.exit_code == 2 and "written reason" in r.stderr
    ok(
        "cases",
        "attribute",
        "C000001",
        "O1",
        "--own",
        "--db",
        db,
        "--reason",
        "お客様ご本人の売却と確認",
        staff="alice",
    )
    [case] = export(db)
    assert case["attribution"] == "staff"
    assert case["unauthorized_order_ids"] == ["O2"]
    assert case["damage"]["sell_loss"] == 0 and case["damage"]["buy_loss"] == 1_601_500
    ok("cases", "build", "--events", str(WORKED), "--db", db)
    assert export(db)[0]["unauthorized_order_ids"] == ["O2"]
    r = kozaguard("cases", "attribute", "C000001", "O9", "--db", db, "--reason", "x", staff="alice")
    assert r.exit_code == 2 and "has no order O9" in r.stderr
    assert ("alice", "attribution.changed") in actions(db)


def test_reduction_reason_and_policy_install_are_audited(db, tmp_path):
    policy = tmp_path / "firm.toml"
    policy.write_text('id = "firm-x"\n[method]\nkind = "share"\nrate_buy = 1.0\nrate_sell = 1.0\n')
    ok("cases", "policy-add", str(policy), "--db", db, staff="alice")
    assert export(db)[0]["payouts"]["firm-x"] == 1_750_000
    policy.write_text('id = "firm-x"\n[method]\nkind = "share"\nrate_buy = 2\nrate_sell = 1.0\n')
    r = kozaguard("cases", "policy-add", str(policy), "--db", db, staff="alice")
    assert r.exit_code == 2 and "key `method.rate_buy`" in r.stderr
    r = kozaguard(
        "cases",
        "propose",
        "C000001",
        "--db",
        db,
        "--policy",
        "restore",
        "--reduction",
        "clear_negligence",
        staff="alice",
    )
    assert r.exit_code == 2 and "ID=REASON" in r.stderr
    ok(
        "cases",
        "propose",
        "C000001",
        "--db",
        db,
        "--policy",
        "restore",
        "--reduction",
        "clear_negligence=パスワードを家族と共有していたと申告",
        staff="alice",
    )
    [case] = export(db)
    assert case["payouts"]["restore"] == 0 and case["proposal"]["amount"] == 0
    log = actions(db)
    assert ("alice", "policy.added") in log and ("alice", "payout.proposed") in log


def test_show_prints_evidence_and_posture(db):
    out = json.loads(ok("cases", "show", "C000001", "--db", db, "--timeline"))
    attacker = [s for s in out["sessions"] if s["unauthorized"]]
    assert len(attacker) == 1 and attacker[0]["device_id"] == "d-x9"
    assert "reported_order" in attacker[0]["evidence"]
    assert out["posture"]["factors"] == ["email_otp"] and out["posture"]["passkey"] is False
    types = {e["type"] for e in out["timeline"]}
    assert {"auth.login", "order.new", "order.fill", "customer.report", "account.snapshot"} <= types
    r = kozaguard("cases", "show", "C999999", "--db", db)
    assert r.exit_code == 2 and "no case C999999" in r.stderr
