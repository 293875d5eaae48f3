"""Run an event stream through the engine and write one decision line per decision-bearing event.

Streams: memory stays constant apart from engine state. Decisions come out in input order; a
repeated event (same `event_id`) is decided once and written once. Invalid input stops the run with
the codec's located error, or, with a rejects file, is written there with its error and skipped.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import BinaryIO

import msgspec

from kozaguard.engine.engine import Engine
from kozaguard.events.codec import InvalidLine, encode, read_events


class ReplaySummary(msgspec.Struct, kw_only=True):
    events: int = 0
    decisions: int = 0
    duplicates: int = 0
    rejects: int = 0
    outcomes: dict[str, int] = msgspec.field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def replay(
    engine: Engine,
    lines: Iterable[bytes],
    out: BinaryIO,
    *,
    source: str = "<events>",
    rejects: BinaryIO | None = None,
    flush_every: int = 20_000,
    progress: Callable[[int], None] | None = None,
) -> ReplaySummary:
    """Decide every event of `lines`, writing decisions to `out`; returns counts.

    Raises `InvalidLine` on the first bad line unless `rejects` is given. `progress` is called with
    the bytes consumed since its last call.
    """
    summary = ReplaySummary()
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    ledger, process, write = engine.state.ledger, engine.process_new, out.write
    consumed = 0
    try:
        for n, raw, event in read_events(lines, source, lenient=rejects is not None):
            if isinstance(event, InvalidLine):
                summary.rejects += 1
                assert rejects is not None
                rejects.write(encode_reject(n, event, raw))
                continue
            summary.events += 1
            if ledger.seen(event.event_id):
                summary.duplicates += 1
                continue
            decision = process(event)
            if decision is not None:
                write(encode(decision) + b"\n")
                outcomes[decision.decision] += 1
            if n % flush_every == 0:
                engine.state.flush()
            if progress is not None:
                consumed += len(raw) + 1
                if consumed >= 1 << 20:
                    progress(consumed)
                    consumed = 0
    finally:
        engine.state.flush()
        out.flush()
        if progress is not None and consumed:
            progress(consumed)
        summary.decisions = sum(outcomes.values())
        summary.outcomes = dict(outcomes)
        summary.seconds = time.perf_counter() - started
    return summary


_reject_encoder = msgspec.json.Encoder()


def encode_reject(line: int, err: InvalidLine, raw: bytes) -> bytes:
    """A rejects-file line: where, what is wrong, and the original text (nothing is lost)."""
    return (
        _reject_encoder.encode(
            {
                "line": line,
                "event_id": err.event_id,
                "field": err.field,
                "error": str(err),
                "raw": raw.rstrip(b"\r\n").decode("utf-8", "replace"),
            }
        )
        + b"\n"
    )
