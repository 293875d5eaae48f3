"""Drafts: events before they get their ids, collected by a `Sink` and sorted into the stream.

Generation emits a draft with a time in epoch milliseconds, the v1 type and its fields. The writer
assigns `event_id`s and order ids in stream order, so ids carry no trace of who caused an event or in
which order the simulator thought of it. A draft may carry a label (attack id and capability) and a
hard-case tag for the truth file.
"""

from __future__ import annotations

import random
from typing import Any, NamedTuple


def randint(rng: random.Random, a: int, b: int) -> int:
    """`rng.randint(a, b)` in a third of the time: the generators call it millions of times."""
    return a + int(rng.random() * (b - a + 1))


class OrderKey(int):
    """An order's internal number; the writer replaces it by the public order id of its `order.new`."""


class Ctx(NamedTuple):
    """Session context of an action (spec: *ctx*)."""

    account_id: str
    session_id: str
    ip: str
    user_agent: str
    channel: str
    device_id: str | None

    def fields(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "session_id": self.session_id,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "channel": self.channel,
            "device_id": self.device_id,
        }


class Label(NamedTuple):
    attack_id: str
    capability: str


class Draft(NamedTuple):
    ms: int
    seq: int
    type: str
    fields: dict[str, Any]
    label: Label | None
    truth: str | None


class Sink:
    """Collects drafts; `seq` keeps ties in emission order."""

    def __init__(self) -> None:
        self.drafts: list[Draft] = []
        self._seq = 0
        self._order = 0
        self.floor = 0  # nothing may be emitted before the window already handed on

    def emit(
        self,
        ms: int,
        type_: str,
        fields: dict[str, Any],
        label: Label | None = None,
        truth: str | None = None,
    ) -> None:
        if ms < self.floor:
            raise ValueError(
                f"draft {type_} at {ms} before the current window ({self.floor}): a generator bug"
            )
        self._seq += 1
        self.drafts.append(Draft(ms, self._seq, type_, fields, label, truth))

    def new_order_key(self) -> OrderKey:
        self._order += 1
        return OrderKey(self._order)

    def take_until(self, end_ms: int) -> list[Draft]:
        """Remove and return, sorted, every draft before `end_ms`; later ones stay for the next day."""
        self.drafts.sort()
        cut = next((i for i, d in enumerate(self.drafts) if d.ms >= end_ms), len(self.drafts))
        out, self.drafts = self.drafts[:cut], self.drafts[cut:]
        return out
