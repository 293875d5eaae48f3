"""In-memory state: plain dicts. The default for replay and the reference the other twins follow."""

from __future__ import annotations

from typing import Generic, TypeVar

from kozaguard.engine.state import State
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

    def seen(self, event_id: str) -> bool:
        return event_id in self._decisions

    def decision(self, event_id: str) -> Decision | None:
        return self._decisions.get(event_id)

    def record(self, event_id: str, decision: Decision | None) -> None:
        self._decisions[event_id] = decision


def memory_state() -> State:
    r = MemoryRepository
    return State(r(), r(), r(), r(), r(), MemoryLedger())
