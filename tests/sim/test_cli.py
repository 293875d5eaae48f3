"""`kozaguard simulate` from the command line: summary printed, bad options refused with the key."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kozaguard.entrypoints.cli import app


def test_simulate_writes_files_and_prints_summary(tmp_path):
    args = ["simulate", "--customers", "150", "--days", "3", "--warmup-days", "1", "--seed", "5"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("events.jsonl", "labels.jsonl", "truth.jsonl", "summary.json"):
        assert (tmp_path / name).exists()
    assert "warm-up ends" in result.output and "attack notional" in result.output
    assert json.loads((tmp_path / "summary.json").read_text())["customers"] == 150


def test_bad_capability_mix_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["simulate", "--capability-mix", "password=x", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "capability_mix" in result.output
