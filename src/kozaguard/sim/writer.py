"""Files: turns sorted drafts into v1 `events.jsonl`, `labels.jsonl`, `truth.jsonl` and `summary.json`.

Event ids and order ids are given here, in stream order, so they say nothing about who caused an
event. Every event is built from the schema's msgspec structs and written with the shared codec.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from kozaguard.events.codec import encode
from kozaguard.events.schema import EVENT_TYPES, Label, Position
from kozaguard.sim.calendar import to_datetime
from kozaguard.sim.drafts import Draft, OrderKey

_NO_LIMIT = b',"limit_price":null}'
"""The end of a market order's line: the codec leaves out a field at its default, the spec lists it."""


class StreamWriter:
    """Writes the stream files into `out` and counts what it wrote."""

    def __init__(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        self._events = (out / "events.jsonl").open("wb")
        self._labels = (out / "labels.jsonl").open("wb")
        self.n = 0
        self.order_ids: dict[int, str] = {}
        self._order_seq: dict[str, int] = {}
        self._days: dict[int, str] = {}
        self.by_type: Counter[str] = Counter()
        self.attacks: dict[str, str] = {}  # attack_id -> capability
        self.truth: dict[str, dict[str, Any]] = {}
        self.first_ts: datetime | None = None
        self.last_ts: datetime | None = None

    def _order_id(self, key: OrderKey, ts: datetime) -> str:
        oid = self.order_ids.get(key)
        if oid is None:
            day = self._days.get(ts.toordinal())
            if day is None:
                day = self._days[ts.toordinal()] = ts.strftime("%Y%m%d")
            seq = self._order_seq.get(day, 0) + 1
            self._order_seq[day] = seq
            oid = self.order_ids[key] = f"{day}{seq:07d}"
        return oid

    def write(self, drafts: Iterable[Draft]) -> None:
        ev_out, lab_out = self._events, self._labels
        for d in drafts:
            self.n += 1
            ts = to_datetime(d.ms)
            fields = d.fields
            if "order_id" in fields:
                fields["order_id"] = self._order_id(fields["order_id"], ts)
            elif d.type == "customer.report" and fields.get("order_ids"):
                fields["order_ids"] = [self.order_ids[k] for k in fields["order_ids"] if k in self.order_ids]
            elif d.type == "account.snapshot":
                fields["positions"] = [Position(**p) for p in fields["positions"]]
            event_id = f"e{self.n:09d}"
            line = encode(EVENT_TYPES[d.type](event_id=event_id, ts=ts, **fields))
            if d.type == "order.new" and fields.get("limit_price") is None:
                line = line[:-1] + _NO_LIMIT  # the spec writes the field on market orders too
            ev_out.write(line)
            ev_out.write(b"\n")
            self.by_type[d.type] += 1
            if d.label is not None:
                lab_out.write(
                    encode(
                        Label(
                            event_id=event_id,
                            actor="attacker",
                            attack_id=d.label.attack_id,
                            capability=d.label.capability,
                        )
                    )
                )
                lab_out.write(b"\n")
                self.attacks[d.label.attack_id] = d.label.capability
            if d.truth is not None:
                tid, _, case = d.truth.partition(":")
                rec = self.truth.setdefault(
                    tid, {"id": tid, "case": case, "account_id": fields.get("account_id"), "event_ids": []}
                )
                rec["event_ids"].append(event_id)
            if self.first_ts is None:
                self.first_ts = ts
            self.last_ts = ts

    def close(self, summary: dict[str, Any]) -> dict[str, Any]:
        """Finish the files; writes truth.jsonl and summary.json and returns the summary."""
        self._events.close()
        self._labels.close()
        with (self.out / "truth.jsonl").open("w", encoding="utf-8") as f:
            for rec in self.truth.values():
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        summary = {
            **summary,
            "events": self.n,
            "events_by_type": dict(sorted(self.by_type.items())),
            "attacks_by_capability": dict(sorted(Counter(self.attacks.values()).items())),
            "first_ts": self.first_ts.isoformat() if self.first_ts else None,
            "last_ts": self.last_ts.isoformat() if self.last_ts else None,
            "hard_cases": dict(sorted(Counter(r["case"] for r in self.truth.values()).items())),
        }
        (self.out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
        return summary


def write_stream(
    days: Iterable[list[Draft]],
    out: Path,
    summary: Callable[[], dict[str, Any]],
    on_day: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    """Write every day's drafts, then the summary built by `summary()` once generation is over."""
    writer = StreamWriter(out)
    try:
        for drafts in days:
            writer.write(drafts)
            on_day()
    except BaseException:
        writer._events.close()
        writer._labels.close()
        raise
    return writer.close(summary())
