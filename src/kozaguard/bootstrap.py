"""The one place adapters are chosen: settings in, a ready engine out. No work at import time."""

from __future__ import annotations

from kozaguard.config import ConfigError, Settings
from kozaguard.engine.budget import Budget
from kozaguard.engine.detectors import default_detectors
from kozaguard.engine.engine import Engine
from kozaguard.engine.policy import Policy
from kozaguard.engine.state import State


def build_state(spec: str) -> State:
    """`memory` or `sqlite:PATH`."""
    kind, _, where = spec.partition(":")
    if kind == "memory" and not where:
        from kozaguard.adapters.memory import memory_state

        return memory_state()
    if kind == "sqlite" and where:
        from kozaguard.adapters.sqlite import SqliteState

        return SqliteState(where)
    raise ConfigError(f"state {spec!r}: use `memory` or `sqlite:PATH` (e.g. sqlite:kozaguard.db)")


def build_engine(settings: Settings) -> Engine:
    """An engine with every registered detector, on the state the settings name."""
    try:
        detectors = default_detectors(settings.detectors)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"detectors: {err}; see docs/configuration.md") from None
    return Engine(build_state(settings.state), detectors, policy=Policy(budget=Budget(settings.friction)))
