"""A replay stopped at any point and run again on its state ends with the file one run writes.

Fast tests of the pieces (truncating back to the recorded position and appending, repeats with other
content, deep JSON), then the whole thing: a simulated stream of 150,000+ events, `replay` SIGKILLed
ten times at random points and restarted, compared byte for byte with an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from kozaguard.adapters.sqlite import SqliteState
from kozaguard.bootstrap import build_engine
from kozaguard.config import Settings
from kozaguard.engine.engine import Engine
from kozaguard.replay import ResumeError, continue_at, replay, resume_point


def kozaguard(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kozaguard", *args], capture_output=True, timeout=300)


@pytest.fixture
def sample(data_dir):
    return data_dir / "sample" / "events.jsonl"


def whole_run(events, tmp_path):
    out = tmp_path / "whole.jsonl"
    run = kozaguard("replay", str(events), "-o", str(out))
    assert run.returncode == 0, run.stderr
    return out.read_bytes()


class Crash(Exception):
    pass


def crashing_engine(state, after: int) -> Engine:
    """An engine that dies (like a killed process) in the middle of its `after`-th event."""
    engine = build_engine(Settings(), state)
    decide, count = engine.process_new, [0]

    def process_new(event, *args):
        count[0] += 1
        if count[0] == after:
            raise Crash
        return decide(event, *args)

    engine.process_new = process_new
    return engine


def run_once(engine, events, out_path, **kw):
    with open(events, "rb") as src, open(out_path, "w+b") as out:
        return replay(engine, src, out, positions=True, **kw)


def resume(state, events, out_path, **kw):
    """What `kozaguard replay` does on a state: continue at its position, or start afresh."""
    at = resume_point(state.ledger.position(), str(events), str(out_path))
    with open(events, "rb") as src, open(out_path, "w+b" if at is None else "r+b") as out:
        if at is not None:
            continue_at(at, src, out, None)
        return replay(build_engine(Settings(), state), src, out, start=at, positions=True, **kw)


@pytest.mark.parametrize("after", [1, 7, 8, 20, 39])
def test_a_crashed_run_truncates_back_and_appends(sample, tmp_path, after):
    want = whole_run(sample, tmp_path)
    db, out = tmp_path / "state.db", tmp_path / "d.jsonl"
    state = SqliteState(db)
    with pytest.raises(Crash):
        run_once(crashing_engine(state, after), sample, out, flush_every=7)
    state.db.close()  # dies without a last flush: the state keeps its latest one
    with open(out, "ab") as f:
        f.write(b'{"written after the flush": true}\n')  # bytes the state does not account for
    state = SqliteState(db)
    summary = resume(state, sample, out, flush_every=7)
    state.close()
    assert out.read_bytes() == want
    assert summary.duplicates == 0  # nothing after the flush was in the ledger: decided once, written once
    assert (summary.resumed_after is None) == (after <= 7)  # no flush yet: from the start


def test_a_finished_run_run_again_leaves_its_file_as_it_is(sample, tmp_path):
    db = f"sqlite:{tmp_path / 'state.db'}"
    out = tmp_path / "d.jsonl"
    first = kozaguard("replay", str(sample), "-o", str(out), "--state", db)
    written = out.read_bytes()
    again = kozaguard("replay", str(sample), "-o", str(out), "--state", db)
    assert first.returncode == again.returncode == 0, again.stderr
    assert out.read_bytes() == written == whole_run(sample, tmp_path)
    assert b"replay: 0 events (continued after line" in again.stderr


def test_an_output_shorter_than_recorded_is_refused_not_padded(sample, tmp_path):
    db = f"sqlite:{tmp_path / 'state.db'}"
    out = tmp_path / "d.jsonl"
    kozaguard("replay", str(sample), "-o", str(out), "--state", db)
    out.write_bytes(out.read_bytes()[:-10])
    run = kozaguard("replay", str(sample), "-o", str(out), "--state", db)
    assert run.returncode == 2
    assert b"the state's replay stopped at byte" in run.stderr and b"is shorter" in run.stderr
    assert b"Traceback" not in run.stderr


def test_a_changed_input_is_refused(sample, tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_bytes(sample.read_bytes())
    db, out = tmp_path / "state.db", tmp_path / "d.jsonl"
    state = SqliteState(db)
    with pytest.raises(Crash):
        run_once(crashing_engine(state, 30), events, out, flush_every=7)
    state.db.close()
    events.write_bytes(events.read_bytes().replace(b'"ip":"', b'"ip": "', 20))
    state = SqliteState(db)
    with pytest.raises(ResumeError, match="has changed"):
        resume(state, events, out)
    state.close()


def test_a_run_stopped_on_a_bad_line_goes_on_after_it_is_fixed(sample, tmp_path):
    lines = sample.read_bytes().splitlines(keepends=True)
    good = lines[30]
    lines[30] = good.replace(b'"ts":"', b'"ts":"x', 1)
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"".join(lines))
    db = f"sqlite:{tmp_path / 'state.db'}"
    out = tmp_path / "d.jsonl"
    stopped = kozaguard("replay", str(events), "-o", str(out), "--state", db)
    assert stopped.returncode == 2 and f"{events}:31:".encode() in stopped.stderr
    lines[30] = good  # fixed in place: same length before it, the recorded position still holds
    events.write_bytes(b"".join(lines))
    again = kozaguard("replay", str(events), "-o", str(out), "--state", db)
    assert again.returncode == 0, again.stderr
    assert b"continued after line 30" in again.stderr
    assert out.read_bytes() == whole_run(sample, tmp_path)


def repeated(every, tmp_path, changed: bool):
    lines = every.read_bytes().splitlines(keepends=True)
    copy = lines[6]  # line 7: event l1, a wrong password
    if changed:
        copy = copy.replace(b'"password_bad"', b'"password_ok"')
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"".join([*lines[:7], copy, *lines[7:]]))  # line 8, at the same time
    return events


def test_the_same_event_sent_twice_is_a_silent_repeat(data_dir, tmp_path):
    events = repeated(data_dir / "every_type.jsonl", tmp_path, changed=False)
    run = kozaguard("replay", str(events), "-o", str(tmp_path / "d.jsonl"))
    assert run.returncode == 0 and b"1 repeated, 0 rejected" in run.stderr


def test_an_event_id_repeated_with_other_content_names_both_lines(data_dir, tmp_path):
    events = repeated(data_dir / "every_type.jsonl", tmp_path, changed=True)
    run = kozaguard("replay", str(events), "-o", str(tmp_path / "d.jsonl"))
    assert run.returncode == 2
    assert f"{events}:8: event l1: field `event_id`: repeats the event_id of line 7".encode() in run.stderr
    rejects = tmp_path / "rejects.jsonl"
    run = kozaguard("replay", str(events), "-o", str(tmp_path / "d.jsonl"), "--rejects", str(rejects))
    assert run.returncode == 0 and b"0 repeated, 1 rejected" in run.stderr
    (reject,) = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert reject["line"] == 8 and reject["event_id"] == "l1" and "of line 7" in reject["error"]
    assert '"password_ok"' in reject["raw"]  # the other content is kept, not lost


def test_json_nested_100000_deep_is_a_reject_or_a_located_error(data_dir, tmp_path):
    lines = (data_dir / "every_type.jsonl").read_bytes().splitlines(keepends=True)
    deep = b'{"type":"fx.rate","event_id":"deep","x":' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"".join([*lines[:3], deep, *lines[3:]]))
    run = kozaguard("replay", str(events), "-o", str(tmp_path / "d.jsonl"))
    assert run.returncode == 2 and b"Traceback" not in run.stderr
    assert f"{events}:4: JSON nested too deeply".encode() in run.stderr
    rejects = tmp_path / "rejects.jsonl"
    run = kozaguard("replay", str(events), "-o", str(tmp_path / "d.jsonl"), "--rejects", str(rejects))
    assert run.returncode == 0 and b"1 rejected" in run.stderr, run.stderr
    (reject,) = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert reject["line"] == 4 and "nested too deeply" in reject["error"]
    assert len(reject["raw"]) == len(deep) - 1  # kept whole


# --- the kill test ----------------------------------------------------------------------------------

KILL_TEST = os.environ.get("KOZAGUARD_REPLAY_KILL_TEST") == "1"


@pytest.fixture(scope="session")
def big_stream(tmp_path_factory):
    """A simulated stream of 150,000+ events (1,000 customers, 12 trading days), made once."""
    folder = tmp_path_factory.mktemp("kill-stream")
    run = kozaguard("simulate", "--out", str(folder), "--customers", "1000", "--days", "12", "--seed", "3")
    assert run.returncode == 0, run.stderr
    return folder / "events.jsonl"


@pytest.mark.skipif(not KILL_TEST, reason="slow, run by CI: KOZAGUARD_REPLAY_KILL_TEST=1")
def test_replay_killed_ten_times_ends_byte_identical(big_stream, tmp_path):
    assert big_stream.read_bytes().count(b"\n") >= 150_000
    config = tmp_path / "settings.toml"
    config.write_text(
        "[engine]\nflush_every = 5000\n"
    )  # more flushes: kills land before, after and between them

    def command(out, db):
        return [sys.executable, "-m", "kozaguard", "replay", str(big_stream), "-o", str(out),
                "--state", f"sqlite:{db}", "--config", str(config)]  # fmt: skip

    whole = tmp_path / "whole.jsonl"
    subprocess.run(command(whole, tmp_path / "whole.db"), check=True, capture_output=True, timeout=600)
    size = whole.stat().st_size
    out, db = tmp_path / "killed.jsonl", tmp_path / "killed.db"
    rng = random.Random(os.environ.get("KOZAGUARD_KILL_SEED", "9"))
    targets = sorted(rng.uniform(0.0, 0.85) * size for _ in range(10))  # kill points spread over the run
    kills, reached = 0, 0
    for target in targets:
        target = max(target, reached + 1)  # beyond what the killed run had written: new progress each time
        proc = subprocess.Popen(command(out, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while proc.poll() is None and (not out.exists() or out.stat().st_size < target):
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.2))
        if proc.poll() is not None:
            assert proc.returncode == 0, proc.stderr.read()
            break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        reached = out.stat().st_size
    final = subprocess.run(command(out, db), capture_output=True, timeout=600)
    assert final.returncode == 0, final.stderr
    assert kills == 10
    got, want = out.read_bytes(), whole.read_bytes()
    assert got.count(b"\n") == want.count(b"\n") > 5_000  # 0 lost, 0 doubled
    assert got == want
