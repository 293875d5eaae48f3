"""Small simulated streams, generated once per session and shared by the realism tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from kozaguard.entrypoints.sim_cli import run
from kozaguard.events.codec import read_events, read_labels

MIXES = {
    "default": {"password": 0.3, "otp_relay": 0.5, "session": 0.2},
    "session_heavy": {"password": 0.1, "otp_relay": 0.1, "session": 0.8},
}
SMALL = {"customers": 400, "days": 4, "warmup_days": 1, "attack_rate": 1.5, "hard_cases_per_day": 1.0}


@dataclass
class Stream:
    out: Path
    events: list  # decoded events, in file order
    labels: dict  # event_id -> Label
    summary: dict
    truth: list[dict]


def make_stream(out: Path, seed: int, mix: str) -> Stream:
    run({**SMALL, "seed": seed, "capability_mix": MIXES[mix]}, None, out, progress=False)
    with (out / "events.jsonl").open("rb") as f:
        events = [e for _, _, e in read_events(f, str(out / "events.jsonl"))]
    with (out / "labels.jsonl").open("rb") as f:
        labels = {lab.event_id: lab for _, lab in read_labels(f)}
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text().splitlines()]
    return Stream(out, events, labels, json.loads((out / "summary.json").read_text()), truth)


@pytest.fixture(
    scope="session", params=[(s, m) for s in (1, 2, 3) for m in MIXES], ids=lambda p: f"seed{p[0]}-{p[1]}"
)
def stream(request, tmp_path_factory) -> Stream:
    seed, mix = request.param
    return make_stream(tmp_path_factory.mktemp(f"sim-{seed}-{mix}"), seed, mix)
