"""The engine: one decision per decision-bearing event, idempotent, causal, same on every backend."""

from __future__ import annotations

import io

import pytest

from kozaguard.adapters.memory import memory_state
from kozaguard.adapters.sqlite import SqliteState
from kozaguard.engine.detectors import default_detectors
from kozaguard.engine.engine import Engine
from kozaguard.events.codec import encode, read_events
from kozaguard.replay import replay
from streams import at, buy, ev, login, sell

EVIL = {"device_id": "d-evil", "ip": "8.8.8.8", "user_agent": "Mozilla/5.0 (X11; Linux x86_64)"}


def stream():
    return [
        ev(
            "instrument",
            at(1, 8),
            symbol="9999",
            name="薄商い",
            market="TSE-STANDARD",
            currency="JPY",
            lot_size=100,
        ),
        ev(
            "account.opened",
            at(1, 8),
            account_id="A1",
            birth_year=1960,
            prefecture="東京都",
            margin_enabled=False,
            foreign_enabled=False,
            factors=["sms"],
        ),
        ev(
            "account.snapshot",
            at(1, 8),
            account_id="A1",
            cash_jpy=1_000_000,
            positions=[{"symbol": "7203", "qty": 100, "avg_cost": 2500}],
        ),
        ev(
            "market.bar",
            at(1, 16),
            symbol="9999",
            date="2025-04-01",
            open=84,
            high=85,
            low=83,
            close=84,
            volume=50_000,
        ),
        login(at(2, 9), event_id="L1"),
        buy(at(2, 9, 5), "7203", 100, 2500, event_id="B1"),
        ev(
            "order.fill",
            at(2, 9, 6),
            order_id="X",
            account_id="A1",
            symbol="7203",
            side="buy",
            qty=100,
            price=2500,
            fee_jpy=0,
        ),
        login(at(2, 10), result="password_bad", event_id="L2", session_id="S2", **EVIL),
        login(at(2, 10, 1), event_id="L3", session_id="S2", **EVIL),
        sell(at(2, 10, 5), "7203", 200, event_id="S1", session_id="S2", **EVIL),
        buy(at(2, 10, 6), "9999", 20_000, 120, event_id="B2", session_id="S2", **EVIL),
        ev("auth.logout", at(2, 10, 9), session_id="S2", **EVIL),
    ]


def engine(state=None):
    return Engine(state or memory_state(), default_detectors())


def decisions(eng, events):
    return [d for e in events if (d := eng.process(e)) is not None]


def test_one_decision_per_decision_bearing_event():
    got = {d.event_id: d for d in decisions(engine(), stream())}
    # a failed login gets none (no lock); logout and reference data get none
    assert set(got) == {"L1", "B1", "L3", "S1", "B2"}
    assert got["L1"].decision == "challenge" and got["L1"].reasons == ["no_login_history"]
    assert got["L3"].decision == "challenge" and "foreign_ip" in got["L3"].reasons
    assert got["S1"].decision == "hold" and "sell_out_on_risky_session" in got["S1"].reasons
    assert got["B2"].decision in ("hold", "deny")


def test_repeated_event_is_decided_once_and_changes_state_once():
    eng = engine()
    events = stream()
    first = decisions(eng, events)
    account = eng.state.accounts.get("A1")
    position = account.positions["7203"]
    logins = account.logins
    again = decisions(eng, events)
    assert again == first
    assert eng.state.accounts.get("A1").positions["7203"] == position == 200
    assert eng.state.accounts.get("A1").logins == logins


def test_prefix_decisions_equal_whole_stream_decisions():
    events = stream()
    whole = decisions(engine(), events)
    for cut in range(len(events) + 1):
        prefix = decisions(engine(), events[:cut])
        assert prefix == whole[: len(prefix)]


def test_replay_output_is_causal_on_every_prefix(data_dir):
    raw = b"\n".join(encode(e) for e in stream()) + b"\n"
    lines = raw.splitlines(keepends=True)
    full = io.BytesIO()
    replay(engine(), lines, full)
    whole = full.getvalue().splitlines()
    for cut in range(len(lines) + 1):
        out = io.BytesIO()
        replay(engine(), lines[:cut], out)
        got = out.getvalue().splitlines()
        assert got == whole[: len(got)]


def test_lock_after_repeated_failures_then_held_until_verified():
    eng = engine()
    bad = [login(at(3, 9, i), result="password_bad", event_id=f"F{i}") for i in range(5)]
    got = decisions(eng, bad)
    assert [d.event_id for d in got] == ["F4"] and got[0].decision == "lock"
    assert eng.process(login(at(3, 10), event_id="OK")).decision == "lock"
    eng.process(ev("customer.report", at(3, 11), account_id="A1", kind="locked_out"))
    assert eng.process(login(at(3, 12), event_id="OK2")).decision != "lock"


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_backends_decide_the_same(tmp_path, backend):
    events = stream()
    expected = decisions(engine(), events)
    state = memory_state() if backend == "memory" else SqliteState(tmp_path / "state.db")
    assert decisions(engine(state), events) == expected


def test_sqlite_state_survives_a_restart(tmp_path):
    events = stream()
    expected = decisions(engine(), events)
    path = tmp_path / "state.db"
    first = engine(SqliteState(path))
    got = decisions(first, events[:7])
    first.state.close()
    second = engine(SqliteState(path))
    assert decisions(second, events[:7]) == got  # already in the ledger: same answers, no new effect
    assert got + decisions(second, events[7:]) == expected
    assert second.state.accounts.get("A1").positions["7203"] == 200
    second.state.close()


def test_every_type_file_replays(data_dir):
    lines = (data_dir / "every_type.jsonl").read_bytes().splitlines()
    out = io.BytesIO()
    summary = replay(engine(), lines, out)
    bearing = [
        e
        for _, _, e in read_events(lines)
        if type(e).__name__ in {"FactorChange", "ProfileChange", "Withdrawal", "OrderNew"}
        or (type(e).__name__ == "Login" and e.result == "password_ok")
    ]
    assert summary.decisions == len(bearing) == len(out.getvalue().splitlines())
