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
    def __init__(self) -> None:
        self._decisions: dict[str, Decision | None] = {}
        self._origins: dict[str, int] = {}  # event_id -> line << 32 | fingerprint
        self._position: ReplayPosition | None = None

    def seen(self, event_id: str) -> bool:
        return event_id in self._decisions

    def decision(self, event_id: str) -> Decision | None:
        return self._decisions.get(event_id)

    def record(
        self, event_id: str, decision: Decision | None, fingerprint: int | None = None, line: int = 0
    ) -> None:
        self._decisions[event_id] = decision
        if fingerprint is not None:
            self._origins[event_id] = line << 32 | fingerprint

    def first_copy(self, event_id: str) -> tuple[int, int] | None:
        origin = self._origins.get(event_id)
        return None if origin is None else (origin & 0xFFFFFFFF, origin >> 32)

    def position(self) -> ReplayPosition | None:
        return self._position

    def set_position(self, position: ReplayPosition) -> None:
        self._position = position


def memory_state() -> State:
    r = MemoryRepository
    return State(r(), r(), r(), r(), r(), MemoryLedger())
