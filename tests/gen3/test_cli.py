"""`python -m bench.gen3`: every profile writes a stream the evaluator reads; bad arguments say why."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from bench.gen3.profiles import PROFILES

from kozaguard.evaluation import evaluate
from kozaguard.events.codec import read_events, read_labels

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_each_profile_makes_a_stream_with_damage(tmp_path, name):
    cmd = [
        sys.executable,
        "-m",
        "bench.gen3",
        "--customers",
        "120",
        "--days",
        "4",
        "--warmup-days",
        "2",
        "--seed",
        "3",
        "--profile",
        name,
        "--out",
        str(tmp_path),
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["profile"] == name and summary["campaigns"]
    events = [e for _, _, e in read_events((tmp_path / "events.jsonl").read_bytes().splitlines())]
    labels = [x for _, x in read_labels((tmp_path / "labels.jsonl").read_bytes().splitlines())]
    report = evaluate(
        events, labels, [], start=datetime.fromisoformat(summary["from"])
    )  # no decisions: nothing stopped
    assert report.loss.attack_loss_jpy > 0
    damaged = [a for a in report.attacks.detail if a.damage_ts is not None]
    assert damaged and all(not a.stopped for a in damaged)


def test_runs_as_a_script_path_too(tmp_path):
    """`python bench/gen3 ...` (how bench/detection.py calls altsim) writes the same bytes as `-m`."""
    args = ["--customers", "40", "--days", "3", "--warmup-days", "2", "--seed", "9"]
    for how, folder in (
        (["-m", "bench.gen3"], tmp_path / "m"),
        ([str(ROOT / "bench" / "gen3")], tmp_path / "p"),
    ):
        done = subprocess.run(
            [sys.executable, *how, *args, "--out", str(folder)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            env={"PYTHONPATH": str(ROOT), "PATH": ""},
        )
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "m" / "events.jsonl").read_bytes() == (tmp_path / "p" / "events.jsonl").read_bytes()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--days", "5"], "--warmup-days"),
        (["--days", "5", "--warmup-days", "5"], "--days > 5"),
        (["--days", "5", "--warmup-days", "2", "--profile", "huge"], "invalid choice"),
    ],
)
def test_bad_arguments_are_named(tmp_path, args, says):
    cmd = [
        sys.executable,
        "-m",
        "bench.gen3",
        "--customers",
        "10",
        "--seed",
        "1",
        "--out",
        str(tmp_path),
        *args,
    ]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr
