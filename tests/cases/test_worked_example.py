"""The worked example of docs/cases.md, written as a v1 stream, through `cases build` + `cases export`.

The engine's real decisions on the stream go in with it (replayed here), and attribution is the
system's own (the customer reported the two orders; the attacker's session is on a new device).
"""

from __future__ import annotations

import pytest
from casekit import WORKED, export, ok

SPEC = {
    "buy_loss": 1_601_500,
    "buy_loss_ex_fees": 1_600_000,
    "sell_loss": 151_000,
    "sell_loss_ex_fees": 150_000,
    "fees": 2_500,
    "restoration": 1_752_500,
}
PAYOUTS = {"sbi-rakuten-2025": 812_500, "matsui-2025": 877_500, "restore": 1_752_500}


@pytest.fixture
def decisions(tmp_path):
    path = tmp_path / "decisions.jsonl"
    ok("replay", str(WORKED), "-o", str(path))
    return path


def test_worked_example_gives_the_spec_figures_for_every_preset(db_spec, decisions):
    ok("cases", "build", "--events", str(WORKED), "--decisions", str(decisions), "--db", db_spec)
    [case] = export(db_spec)
    assert case["account_id"] == "K1"
    assert case["status"] == "confirmed_unauthorized"
    assert case["attribution"] == "system"
    assert case["unauthorized_order_ids"] == ["O1", "O2"]
    assert case["damage"]["valuation_date"] == "2025-04-30"
    assert {k: case["damage"][k] for k in SPEC} == SPEC
    assert case["payouts"] == PAYOUTS
    assert "customer_report" in case["opened_by"]


def test_build_twice_gives_the_same_cases_and_no_new_audit_entries(db_spec, decisions):
    args = ("cases", "build", "--events", str(WORKED), "--decisions", str(decisions), "--db", db_spec)
    ok(*args)
    first = export(db_spec)
    audit_first = ok("audit", "verify", "--db", db_spec)
    ok(*args)
    assert export(db_spec) == first
    assert ok("audit", "verify", "--db", db_spec) == audit_first


def test_an_earlier_valuation_date_values_at_that_days_closes(db_spec, decisions):
    ok("cases", "build", "--events", str(WORKED), "--decisions", str(decisions), "--db", db_spec)
    [case] = export(db_spec, "--valuation-date", "2025-04-22")  # A 3,050, X 90
    d = case["damage"]
    assert d["buy_loss"] == 2_801_500 - 20_000 * 90
    assert d["sell_loss"] == 1_000 * 3_050 - 2_949_000
    assert d["restoration"] == d["buy_loss"] + d["sell_loss"]


def test_labels_taken_as_confirmed(tmp_path, decisions):
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        "".join(
            f'{{"event_id": "{e}", "actor": "attacker", "attack_id": "A1", "capability": "password"}}\n'
            for e in ("w025", "w026", "w028")  # the attacker's login and two orders
        )
    )
    db = f"sqlite:{tmp_path / 'c.db'}"
    ok("cases", "build", "--events", str(WORKED), "--labels", str(labels), "--db", db)
    [case] = export(db)
    assert case["attribution"] == "labels"
    assert case["unauthorized_order_ids"] == ["O1", "O2"]
    assert case["payouts"] == PAYOUTS
