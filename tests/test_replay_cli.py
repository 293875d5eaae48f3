"""`kozaguard replay` as a user runs it: files and pipes, located errors, rejects, resumable state."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def kozaguard(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kozaguard", *args], input=stdin, capture_output=True, timeout=120
    )


@pytest.fixture
def every(data_dir):
    return data_dir / "every_type.jsonl"


def test_file_to_file(every, tmp_path):
    out = tmp_path / "decisions.jsonl"
    run = kozaguard("replay", str(every), "-o", str(out))
    assert run.returncode == 0, run.stderr
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [d["event_id"] for d in lines] == ["l2", "x1", "p1", "o1", "o3", "c2"]
    assert b"replay: 24 events, 6 decisions" in run.stderr


def test_pipe_to_pipe_gives_the_same_decisions(every, tmp_path):
    out = tmp_path / "d.jsonl"
    kozaguard("replay", str(every), "-o", str(out))
    run = kozaguard("replay", "-", "-o", "-", stdin=every.read_bytes())
    assert run.returncode == 0 and run.stdout == out.read_bytes()


def test_bad_line_stops_with_exit_2_and_names_the_place(every, tmp_path):
    lines = every.read_bytes().splitlines()
    lines[6] = lines[6].replace(b'"result":"password_bad"', b'"result":"maybe"')
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\n".join(lines) + b"\n")
    run = kozaguard("replay", str(bad), "-o", str(tmp_path / "d.jsonl"))
    assert run.returncode == 2
    assert f"{bad}:7: event l1: field `result`: Invalid enum value 'maybe'".encode() in run.stderr


def test_rejects_file_keeps_bad_lines_and_goes_on(every, tmp_path):
    lines = every.read_bytes().splitlines()
    lines.insert(3, b'{"type":"fx.rate","event_id":"zz"')
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\n".join(lines) + b"\n")
    rejects = tmp_path / "rejects.jsonl"
    run = kozaguard("replay", str(bad), "-o", str(tmp_path / "d.jsonl"), "--rejects", str(rejects))
    assert run.returncode == 0, run.stderr
    (reject,) = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert reject["line"] == 4 and reject["raw"] == '{"type":"fx.rate","event_id":"zz"'
    assert "not valid JSON" in reject["error"]
    assert b"1 rejected" in run.stderr and len((tmp_path / "d.jsonl").read_text().splitlines()) == 6


def test_sqlite_state_continues_and_repeats_are_written_once(every, tmp_path):
    db = f"sqlite:{tmp_path / 'state.db'}"
    lines = every.read_bytes().splitlines(keepends=True)
    first = kozaguard("replay", "-", "--state", db, stdin=b"".join(lines[:9]))
    second = kozaguard("replay", "-", "--state", db, stdin=b"".join(lines))
    whole = kozaguard("replay", str(every))
    assert first.returncode == second.returncode == 0
    assert first.stdout + second.stdout == whole.stdout
    assert b"9 repeated" in second.stderr


def test_bad_state_option_is_explained(every):
    run = kozaguard("replay", str(every), "--state", "postgres")
    assert run.returncode == 2 and b"use `memory` or `sqlite:PATH`" in run.stderr


def test_missing_file_is_explained(tmp_path):
    run = kozaguard("replay", str(tmp_path / "nope.jsonl"))
    assert run.returncode == 2 and b"nope.jsonl" in run.stderr


def test_review_labels_answer_each_hold_and_a_bad_labels_file_is_explained(data_dir, tmp_path):
    sample = data_dir / "sample"
    plain, reviewed = tmp_path / "plain.jsonl", tmp_path / "reviewed.jsonl"
    assert kozaguard("replay", str(sample / "events.jsonl"), "-o", str(plain)).returncode == 0
    run = kozaguard(
        "replay",
        str(sample / "events.jsonl"),
        "-o",
        str(reviewed),
        "--review-labels",
        str(sample / "labels.jsonl"),
    )
    assert run.returncode == 0, run.stderr
    held = [json.loads(x)["event_id"] for x in plain.read_text().splitlines() if '"hold"' in x]
    assert held  # the sample has holds for the desk to answer
    ids = [json.loads(x)["event_id"] for x in reviewed.read_text().splitlines()]
    assert ids == [
        json.loads(x)["event_id"] for x in plain.read_text().splitlines()
    ]  # answers are not decisions
    missing = kozaguard(
        "replay", str(sample / "events.jsonl"), "--review-labels", str(tmp_path / "none.jsonl")
    )
    assert missing.returncode == 2 and b"none.jsonl: cannot read the labels" in missing.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"event_id": "x"}\n')
    run = kozaguard("replay", str(sample / "events.jsonl"), "--review-labels", str(bad))
    assert run.returncode == 2 and b"bad.jsonl:1" in run.stderr
