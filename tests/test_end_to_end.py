"""Replay then evaluate on the checked-in sample: the engine's own decisions, scored against labels."""

from __future__ import annotations

import io

from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors import default_detectors
from kozaguard.engine.engine import Engine
from kozaguard.evaluation import evaluate
from kozaguard.events.codec import read_decisions, read_events, read_labels
from kozaguard.replay import replay


def test_sample_replays_and_scores(data_dir):
    folder = data_dir / "sample"
    events = (folder / "events.jsonl").read_bytes().splitlines()
    out = io.BytesIO()
    summary = replay(Engine(memory_state(), default_detectors()), events, out)
    assert summary.rejects == 0 and summary.decisions > 0
    report = evaluate(
        [e for _, _, e in read_events(events)],
        [x for _, x in read_labels((folder / "labels.jsonl").read_bytes().splitlines())],
        [x for _, x in read_decisions(out.getvalue().splitlines())],
    )
    assert report.checks.missing_decisions == 0
    assert report.attacks.total == 2
    assert report.attacks.by_capability.password.stopped == 1  # a code at login stops a password thief
    assert report.attacks.stopped == 2 and report.loss.prevented_jpy == report.loss.attack_loss_jpy > 0
    assert report.friction.accounts_locked == 0
