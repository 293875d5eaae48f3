"""The rollout section: absent, the stream is the same bytes; present, only what follows its date changes.

Golden digests: the stream of `customers=200, days=6, seed=3` as written by the simulator before the
rollout section existed; the other engineers' benchmarks depend on those bytes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import pytest

from kozaguard.bootstrap import build_engine
from kozaguard.config import Settings
from kozaguard.entrypoints.sim_cli import run
from kozaguard.evaluation.before_after import split, table
from kozaguard.replay import replay
from kozaguard.sim.config import ConfigError, load

SMALL = {"customers": 200, "days": 6, "seed": 3}
GOLDEN = {
    "events.jsonl": "5b5b5eade99e916499e2570f116e450974835cdb8dd51f617a58e76efb9009a3",
    "labels.jsonl": "73e9455bd3c7282c3e8e9296c20e995026a80aad45188eadab1097f5869b469a",
    "truth.jsonl": "f3ede4d019f1baf2650771f3fe194083e1c00893f3a469ff6a456a09c972c8d2",
    "summary.json": "850a65b399f4c0d86c5fce39375ecb2748354ea8442a31ab3528e0eb9f624a96",
}
ROLLOUT_DAY = "2025-04-10"
SPLIT = datetime.fromisoformat(f"{ROLLOUT_DAY}T00:00:00+09:00")


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plain")
    run(dict(SMALL), None, out, progress=False)
    return out


@pytest.fixture(scope="module")
def rolled(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rolled")
    config = out / "rollout.toml"
    config.write_text(
        f'[rollout]\ndate = "{ROLLOUT_DAY}"\nlogin = "registered"\ngrace_days = 1\nvoluntary = 0.2\n'
    )
    run(dict(SMALL), config, out, progress=False)
    return out


def test_without_the_section_the_stream_is_the_same_bytes(plain):
    for name, digest in GOLDEN.items():
        assert hashlib.sha256((plain / name).read_bytes()).hexdigest() == digest, name


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_rollout_changes_only_what_follows_its_date(plain, rolled):
    before = [e for e in _lines(plain / "events.jsonl") if e["ts"] < SPLIT.isoformat()]
    with_rollout = _lines(rolled / "events.jsonl")
    assert with_rollout[: len(before)] == before  # the same events, ids and all, up to the date
    after = with_rollout[len(before) :]
    assert all(e["ts"] >= SPLIT.isoformat() for e in after)
    enrolled = [e for e in after if e["type"] == "auth.factor" and e["action"] == "enrolled"]
    plain_enrolled = [
        e
        for e in _lines(plain / "events.jsonl")[len(before) :]
        if e["type"] == "auth.factor" and e["action"] == "enrolled"
    ]
    assert len(enrolled) > 5 * max(1, len(plain_enrolled))  # customers enrol at login after the date
    # a password-only takeover after the date leaves its login and nothing else
    summary = json.loads((rolled / "summary.json").read_text())
    assert summary["config"]["rollout"]["date"] == ROLLOUT_DAY
    events = {e["event_id"]: e for e in with_rollout}
    by_attack: dict[str, list[dict]] = {}
    for label in _lines(rolled / "labels.jsonl"):
        by_attack.setdefault(label["attack_id"], []).append(events[label["event_id"]])
    stopped = [
        evs
        for camp in summary["campaigns"]
        if camp["date"] >= ROLLOUT_DAY
        for v in camp["victims"]
        if v["capability"] == "password"
        for evs in [by_attack[v["attack_id"]]]
    ]
    assert stopped, "the run has password-only takeovers after the date"
    assert all({e["type"] for e in evs} == {"auth.login"} for evs in stopped)


def test_before_after_table(rolled, tmp_path):
    engine = build_engine(Settings())  # engine state in memory (the default)
    decisions = tmp_path / "decisions.jsonl"
    with open(rolled / "events.jsonl", "rb") as src, open(decisions, "wb") as sink:
        replay(engine, src, sink)
    summary = json.loads((rolled / "summary.json").read_text())
    periods = split(
        rolled / "events.jsonl",
        rolled / "labels.jsonl",
        decisions,
        SPLIT,
        datetime.fromisoformat(summary["from"]),
    )
    before, after = (p.row for p in periods)
    victims = [(c["date"], v["capability"]) for c in summary["campaigns"] for v in c["victims"]]
    assert before["takeover attempts"] == sum(d < ROLLOUT_DAY for d, _ in victims) + sum(
        c["date"] < ROLLOUT_DAY for c in summary["campaigns"]
    )  # victims and each campaign's own account
    assert before["stopped at login"] <= before["takeover attempts"]
    password_after = sum(d >= ROLLOUT_DAY and cap == "password" for d, cap in victims)
    assert after["stopped at login"] >= password_after
    assert after["enrolments at login"] > before["enrolments at login"]
    text = table(periods)
    assert text.count("\n") == 4 and "| before |" in text and "| after |" in text


@pytest.mark.parametrize(
    ("section", "names"),
    [
        ('date = "2024-01-04"', ["rollout.date", "outside the run"]),
        ('date = "soon"', ["rollout.date", "YYYY-MM-DD"]),
        ('date = "2025-04-10"\nvoluntary = 2', ["rollout.voluntary", "between 0 and 1"]),
        ('date = "2025-04-10"\nlogin = "sms"', ["rollout.login"]),
        ('date = "2025-04-10"\ngrace = 3', ["unknown field `grace`", "rollout"]),
    ],
)
def test_bad_rollout_values_name_the_key(tmp_path, section, names):
    config = tmp_path / "c.toml"
    config.write_text(f"[rollout]\n{section}\n")
    with pytest.raises(ConfigError) as err:
        load(config, dict(SMALL))
    for name in names:
        assert name in str(err.value), (name, str(err.value))
