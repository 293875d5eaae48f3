"""In-memory state: plain dicts. The default for replay and the reference the other twins follow."""

from __future__ import annotations

from typing import Generic, TypeVar

from kozaguard.engine.state import ReplayPosition, State
from kozaguard.events.schema import Decision

K = TypeVar("K")
R = TypeVar("R")


class MemoryRepository(Generic[K, R]):
    def __init__(self) -> None:
        self._items: dict[K, R] = {}

    def get(self, key: K) -> R | None:
        return self._items.get(key)

    def put(self, key: K, record: R) -> None:
        self._items[key] = record

    def __len__(self) -> int:
        return len(self._items)


class MemoryLedger:
    """Every event id with where it was read first; decisions only for the events that got one (most
    events, market data, get none: one dict entry each)."""

    def __init__(self) -> None:
        self._origins: dict[str, int] = {}  # event_id -> line << 32 | fingerprint, or -1 (unknown)
        self._decisions: dict[str, Decision] = {}
        self._position: ReplayPosition | None = None

    def seen(self, event_id: str) -> bool:
        return event_id in self._origins

    def decision(self, event_id: str) -> Decision | None:
        return self._decisions.get(event_id)

    def record(
        self, event_id: str, decision: Decision | None, fingerprint: int | None = None, line: int = 0
    ) -> None:
        self._origins[event_id] = -1 if fingerprint is None else line << 32 | fingerprint
        if decision is not None:
            self._decisions[event_id] = decision

    def first_copy(self, event_id: str) -> tuple[int, int] | None:
        origin = self._origins.get(event_id, -1)
        return None if origin < 0 else (origin & 0xFFFFFFFF, origin >> 32)

    def position(self) -> ReplayPosition | None:
        return self._position

    def set_position(self, position: ReplayPosition) -> None:
        self._position = position


def memory_state() -> State:
    r = MemoryRepository
    return State(r(), r(), r(), r(), r(), MemoryLedger())
