"""The one place adapters are chosen: settings in, a ready engine out. No work at import time."""

from __future__ import annotations

from kozaguard.config import ConfigError, Settings
from kozaguard.engine.budget import Budget
from kozaguard.engine.detectors import default_detectors
from kozaguard.engine.engine import Engine
from kozaguard.engine.policy import Policy
from kozaguard.engine.state import State


def build_state(spec: str) -> State:
    """`memory`, `sqlite:PATH` or `redis://HOST:PORT/DB?prefix=NAME`."""
    kind, _, where = spec.partition(":")
    if kind == "memory" and not where:
        from kozaguard.adapters.memory import memory_state

        return memory_state()
    if kind == "sqlite" and where:
        from kozaguard.adapters.sqlite import SqliteState

        return SqliteState(where)
    if kind in ("redis", "rediss") and where:
        from kozaguard.adapters.redis_state import RedisState

        try:
            return RedisState.from_url(spec)
        except ConnectionError as err:
            raise ConfigError(str(err)) from None
    raise ConfigError(
        f"state {spec!r}: use `memory` or `sqlite:PATH` (e.g. sqlite:kozaguard.db), or redis://HOST:PORT/DB"
    )


def build_engine(settings: Settings, state: State | None = None) -> Engine:
    """An engine with every registered detector, on `state` or else the state the settings name."""
    try:
        detectors = default_detectors(settings.detectors)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"detectors: {err}; see docs/configuration.md") from None
    return Engine(
        state if state is not None else build_state(settings.state),
        detectors,
        policy=Policy(budget=Budget(settings.friction)),
    )
