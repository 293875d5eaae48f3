"""`kozaguard demo` ends by opening the cases and printing victims, damage and the payout per preset."""

from __future__ import annotations

import json
import re

from casekit import export, kozaguard


def test_demo_opens_the_cases_and_prints_the_totals(tmp_path):
    out = tmp_path / "demo"
    r = kozaguard("demo", "--customers", "300", "--days", "6", "--seed", "3", "--out", str(out))
    assert r.exit_code == 0, r.stderr
    cases = export(f"sqlite:{out / 'cases.db'}")
    victims = [c for c in cases if c["damage"]]
    assert victims, "the demo's attacks leave victims"
    head = re.search(
        r"cases: (\d+) opened, (\d+) victims .* damage to restore ¥([\d,]+) \((\d+) accounts", r.stderr
    )
    assert head and int(head[1]) == len(cases) and int(head[2]) == len(victims)
    assert int(head[3].replace(",", "")) == sum(max(0, c["damage"]["restoration"]) for c in victims)
    assert int(head[4]) == sum(1 for c in victims if c["damage"]["restoration"] < 0)
    for preset in ("sbi-rakuten-2025", "matsui-2025", "restore"):
        line = re.search(rf"payout under {preset}: ¥([\d,]+)", r.stderr)
        assert line, preset
        assert int(line[1].replace(",", "")) == sum(c["payouts"][preset] for c in victims)
    assert json.loads((out / "report.json").read_text())["attacks"]["total"] > 0
