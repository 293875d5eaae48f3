"""The engine door as the HTTP server uses it: many threads, one engine, the embedded SQLite state."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import msgspec

from kozaguard.bootstrap import build_engine, build_state
from kozaguard.config import Settings
from kozaguard.engine.door import EngineDoor
from streams import at, login


def test_threads_of_the_http_server_share_the_sqlite_state(tmp_path):
    """The server's threads call the door one at a time; the SQLite connection made in the main
    thread must serve all of them (it refused: 'SQLite objects created in a thread ...')."""
    path = f"sqlite:{tmp_path / 'state.db'}"
    door = EngineDoor(build_engine(Settings(), build_state(path)))
    events = [
        msgspec.json.encode(login(at(1, 9, i // 60, i % 60), account_id=f"A{i % 7}", session_id=f"s{i}"))
        for i in range(80)
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        decisions = list(pool.map(door.decide_raw, events))
    assert door.position() is None  # the state answers from the main thread as well
    door.close()
    assert len(decisions) == 80 and all(d is not None for d in decisions)
    reopened = build_state(path)  # every decided event reached the file
    assert all(reopened.ledger.seen(msgspec.json.decode(e)["event_id"]) for e in events)
    reopened.close()
