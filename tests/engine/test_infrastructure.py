"""Shared infrastructure: doubtful logins of unrelated accounts from one client or place."""

from __future__ import annotations

from kozaguard.adapters.memory import memory_state
from kozaguard.engine.infrastructure import SharedInfrastructure, login_keys


def test_accounts_sharing_an_address_or_device_within_hours_are_counted_once_each():
    infra, state = SharedInfrastructure(window_hours=6), memory_state()
    infra.record(state, login_keys("203.0.113.5", "d1", "UA"), "a", 0.0)
    infra.record(state, login_keys("203.0.113.6", "d1", "UA"), "b", 60.0)  # same device
    infra.record(state, login_keys("203.0.113.5", None, "UA2"), "a", 120.0)  # a again
    keys = login_keys("203.0.113.5", "d1", "UA")
    assert infra.others(state, keys, "c", 600.0) == 2
    assert infra.others(state, keys, "a", 600.0) == 1  # an account never counts itself
    assert infra.others(state, keys, "c", 7 * 3600.0) == 0  # older than the window


def test_the_place_is_the_block_with_its_browser():
    infra, state = SharedInfrastructure(), memory_state()
    infra.record(state, login_keys("198.51.100.7", None, "UA"), "a", 0.0)
    assert infra.others(state, login_keys("198.51.100.9", None, "UA"), "b", 10.0) == 1
    assert infra.others(state, login_keys("198.51.100.9", None, "other UA"), "b", 10.0) == 0


def test_the_client_that_drove_a_stolen_session_marks_the_next_account_it_logs_in_to():
    from kozaguard.engine.detectors import default_detectors
    from kozaguard.engine.engine import Engine
    from scenarios import history
    from streams import at, ev, login, sell

    crew = {
        "device_id": "d-crew",
        "ip": "203.0.113.66",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/124",
    }
    engine = Engine(memory_state(), default_detectors())
    for e in history():
        engine.process(e)
    engine.process(login(at(3, 9), session_id="H", device_id="d-home", ip="126.10.20.30"))
    d = engine.process(sell(at(3, 9, 30), "7203", 100, session_id="H", **crew))  # the cookie, elsewhere
    assert "session_client_changed" in d.reasons
    engine.process(ev("account.opened", at(3, 7), account_id="B2", birth_year=1980, prefecture="東京都",
                      margin_enabled=False, foreign_enabled=False, factors=["sms"]))  # fmt: skip
    engine.process(login(at(3, 8), account_id="B2", session_id="B0", device_id="d-b", ip="126.50.1.2"))
    engine.process(login(at(3, 10), account_id="B2", session_id="B1", **crew))
    assert engine.state.sessions.get("B1").shared == 1
    assert "shared_infrastructure" in engine.state.account("B2").suspect
