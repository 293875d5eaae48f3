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
