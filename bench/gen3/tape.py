"""The stream being written: events kept with their time and creation order, labelled or not,
then sorted by time (ties keep creation order), numbered, and written as JSON Lines.

Event ids are given after sorting, so they say nothing about who caused an event.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from .market_hours import iso

_enc = msgspec.json.Encoder()


@dataclass
class Tape:
    rng: random.Random
    rows: list[tuple[int, int, dict, tuple[str, str] | None]] = field(default_factory=list)
    crew: set[int] = field(default_factory=set)  # rows the crew's own account caused
    _ids: set[str] = field(default_factory=set)

    def add(
        self, t: int, etype: str, label: tuple[str, str] | None = None, /, *, crew: bool = False, **fields
    ) -> dict:
        """Record one event at `t` (ms); `label` is `(attack_id, capability)` for attacker events."""
        body = {"type": etype, "ts": t, **fields}
        n = len(self.rows)
        self.rows.append((t, n, body, label))
        if crew:
            self.crew.add(n)
        return body

    def token(self, prefix: str = "", bits: int = 64) -> str:
        """A fresh random identifier (session, order, bank account): unique in the stream."""
        while True:
            tok = f"{prefix}{self.rng.getrandbits(bits):0{bits // 4}x}"
            if tok not in self._ids:
                self._ids.add(tok)
                return tok

    def write(self, out: Path, crew_labels: bool) -> dict[str, int]:
        """Write events.jsonl, labels.jsonl and crew.jsonl; returns counts."""
        order = sorted(range(len(self.rows)), key=lambda i: (self.rows[i][0], i))
        labels = crew_lines = 0
        with (
            (out / "events.jsonl").open("wb") as ev,
            (out / "labels.jsonl").open("wb") as lab,
            (out / "crew.jsonl").open("wb") as crew,
        ):
            for n, i in enumerate(order, 1):
                t, _, body, label = self.rows[i]
                eid = f"ev{n:08d}"
                line = {"event_id": eid, "type": body["type"], "ts": iso(t)}
                line.update((k, v) for k, v in body.items() if k not in ("type", "ts"))
                ev.write(_enc.encode(line) + b"\n")
                if label:
                    rec = {
                        "event_id": eid,
                        "actor": "attacker",
                        "attack_id": label[0],
                        "capability": label[1],
                    }
                    if i in self.crew:
                        crew.write(_enc.encode(rec) + b"\n")
                        crew_lines += 1
                        if not crew_labels:
                            continue
                    lab.write(_enc.encode(rec) + b"\n")
                    labels += 1
        return {"events": len(order), "labels": labels, "crew_labels": crew_lines}
