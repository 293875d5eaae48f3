"""`kozaguard demo`, the main job, end to end on a small brokerage: SQLite state, a scored report."""

from __future__ import annotations

import json
import sqlite3

from typer.testing import CliRunner

from kozaguard.entrypoints.cli import app


def test_demo_simulates_replays_on_sqlite_and_scores(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        app, ["demo", "--customers", "300", "--days", "6", "--seed", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    assert report["attacks"]["total"] > 0
    assert report["checks"]["missing_decisions"] == 0
    decisions = (out / "decisions.jsonl").read_text().splitlines()
    assert len(decisions) == report["checks"]["decisions"]
    with sqlite3.connect(out / "state.db") as db:
        assert db.execute("SELECT count(*) FROM ledger").fetchone()[0] == report["stream"]["events"]
        assert db.execute("SELECT count(*) FROM accounts").fetchone()[0] >= 300
