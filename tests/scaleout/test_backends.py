"""The engine's contract on every state backend: memory, SQLite and Redis decide alike."""

from __future__ import annotations

import io

from kozaguard.adapters.memory import memory_state
from kozaguard.engine.detectors import default_detectors
from kozaguard.engine.engine import Engine
from kozaguard.replay import replay
from scenarios import ABROAD, HOME, history
from streams import at, buy, ev, login, sell


def hostile():
    """History, then a stuffing bot, a takeover from abroad, a sell-off and a pump on three accounts."""
    out = history(factors=("sms", "passkey"), days=6)
    bot = {"ip": "45.1.2.3", "device_id": None, "user_agent": "python-requests/2.31"}
    out += [
        login(at(7, 2, i), account_id=f"X{i}", session_id=f"b{i}", result="password_bad", **bot)
        for i in range(6)
    ]
    out += [login(at(7, 3), account_id="X1", session_id="b9", **bot)]
    out += [login(at(8, 9), session_id="R", **ABROAD)]
    out += [ev("profile.change", at(8, 9, 1), session_id="R", field="email", **ABROAD)]
    out += [sell(at(8, 9, 2), "7203", 300, session_id="R", **ABROAD)]
    for i, acc in enumerate(("A1", "B2", "C3", "D4")):
        out += [login(at(8, 10, i), account_id=acc, session_id=f"P{i}", **ABROAD)]
        out += [buy(at(8, 10, i, 30), "9999", 1000, 120, account_id=acc, session_id=f"P{i}", **ABROAD)]
    out += [ev("customer.report", at(8, 11), account_id="A1", kind="locked_out")]
    out += [login(at(9, 8), session_id="H9", **HOME)]
    return out


def run(state, events):
    engine = Engine(state, default_detectors())
    return [d for e in events if (d := engine.process(e)) is not None]


def test_backend_decides_like_memory(make_state):
    events = hostile()
    expected = run(memory_state(), events)
    state = make_state()
    assert run(state, events) == expected
    assert any(d.decision in ("hold", "deny") for d in expected)  # the stream does exercise detection
    state.close()


def test_backend_decides_each_event_once_across_a_restart(make_state):
    events = hostile()
    expected = run(memory_state(), events)
    cut = len(events) // 2
    first = make_state()
    got = run(first, events[:cut])
    first.close()
    if make_state.backend == "memory":
        return  # memory keeps nothing across a restart
    second = make_state()
    again = run(second, events[:cut])
    assert again == got  # already in the ledger: the same answers, no new effects
    assert got + run(second, events[cut:]) == expected
    second.close()


def test_backend_replays_the_sample_like_memory(make_state, data_dir):
    lines = (data_dir / "sample" / "events.jsonl").read_bytes().splitlines(keepends=True)
    want, got = io.BytesIO(), io.BytesIO()
    replay(Engine(memory_state(), default_detectors()), lines, want)
    state = make_state()
    replay(Engine(state, default_detectors()), lines, got, flush_every=7)
    state.close()
    assert got.getvalue() == want.getvalue()
    assert want.getvalue().count(b"\n") > 10


def test_backend_keeps_first_copies_and_the_replay_position(make_state):
    from datetime import UTC, datetime

    from kozaguard.engine.state import ReplayPosition

    where = ReplayPosition(
        input="/in", input_offset=10, input_line=2, input_tail=7, last_ts=datetime(2025, 3, 17, tzinfo=UTC),
        output="/out", output_offset=5, output_tail=9,
    )  # fmt: skip
    state = make_state()
    state.ledger.record("e1", None, 0xFFFFFFFF, 3)
    state.ledger.record("e2", None)
    state.ledger.set_position(where)
    assert state.ledger.first_copy("e1") == (0xFFFFFFFF, 3) and state.ledger.first_copy("e2") is None
    state.close()
    if make_state.backend == "memory":
        return  # memory keeps nothing across a restart
    again = make_state()
    assert again.ledger.first_copy("e1") == (0xFFFFFFFF, 3) and again.ledger.first_copy("e2") is None
    assert again.ledger.first_copy("e3") is None and again.ledger.seen("e2")
    assert again.ledger.position() == where
    again.close()
