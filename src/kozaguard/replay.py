"""Run an event stream through the engine and write one decision line per decision-bearing event.

Streams: memory stays constant apart from engine state. Decisions come out in input order; a
repeated event (same `event_id`, same line content) is decided once and written once; a repeated
`event_id` with other content is invalid input naming both lines. Invalid input stops the run with
the codec's located error, or, with a rejects file, is written there with its error and skipped.

Resuming: with a durable state and files (not pipes) for input and output, every flush of the state
also records how far the replay got (`ReplayPosition`: input and output offsets), in the same
transaction. The same command run again on that state (after a crash, a kill, a stop on bad input)
truncates the output back to the recorded offset, never beyond, and continues the input after the
recorded line: the final file is byte for byte the file one uninterrupted run writes.
"""

from __future__ import annotations

import gc
import os
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import BinaryIO
from zlib import crc32

import msgspec

from kozaguard.engine.engine import Engine, epoch
from kozaguard.engine.state import TAIL, ReplayPosition
from kozaguard.events.codec import InvalidLine, encode, read_events
from kozaguard.sim.desk import Desk


class ReplaySummary(msgspec.Struct, kw_only=True):
    events: int = 0
    decisions: int = 0
    duplicates: int = 0
    rejects: int = 0
    outcomes: dict[str, int] = msgspec.field(default_factory=dict)
    seconds: float = 0.0
    resumed_after: int | None = None
    """The input line a resumed run continued after (None: from the start)."""

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


class ResumeError(ValueError):
    """The state says where a replay stopped, but its files no longer match; names the fix."""


def replay(
    engine: Engine,
    lines: Iterable[bytes],
    out: BinaryIO,
    *,
    source: str = "<events>",
    rejects: BinaryIO | None = None,
    flush_every: int = 20_000,
    progress: Callable[[int], None] | None = None,
    start: ReplayPosition | None = None,
    positions: bool = False,
    desk: Desk | None = None,
) -> ReplaySummary:
    """Decide every event of `lines`, writing decisions to `out`; returns counts.

    Raises `InvalidLine` on the first bad line unless `rejects` is given; the state is flushed up to
    the line before it. `progress` is called with the bytes consumed since its last call. With
    `positions` (`lines` and `out` regular files, see `resumable`) each flush records the position
    reached; `start` is the position the files were set back to by `continue_at`. With a `desk`
    (`kozaguard.sim.desk`) every hold is answered by a modelled staff review after its delay.
    """
    started = time.perf_counter()
    state = engine.state
    ledger, process, write = state.ledger, engine.process_new, out.write
    seen, first_copy = ledger.seen, ledger.first_copy
    outcomes: Counter[str] = Counter()
    events = duplicates = rejected = since = consumed = 0
    mark = _Marker(lines, out, rejects) if positions else None
    line0, last_ts = (start.input_line + 1, start.last_ts) if start is not None else (1, None)
    good = None  # the latest valid event read: its time is where the reader's clock stands
    n, stop = line0 - 1, None

    def checkpoint(offset_back: int = 0) -> None:
        if mark is not None:
            ts = good.ts if good is not None else last_ts
            ledger.set_position(mark.position(offset_back, n - (offset_back > 0), ts))
        state.flush()
        # what the engine keeps lives on (accounts, sessions, the ledger): the garbage collector need
        # not scan it again at every full collection, which grows with the state (a third of the
        # time on a million events). Records the engine drops are freed by reference counting.
        gc.freeze()

    for n, raw, event in read_events(lines, source, lenient=True, start=line0, last=last_ts):
        if event.__class__ is InvalidLine:
            if rejects is None:
                stop = (raw, event)
                break
            rejected += 1
            rejects.write(encode_reject(n, event, raw))  # type: ignore[arg-type]
            continue
        good = event
        events += 1
        fingerprint = crc32(raw) if raw[-1:] == b"\n" else crc32(raw + b"\n")  # the line, ended alike
        event_id = event.event_id  # type: ignore[union-attr]
        if seen(event_id):
            first = first_copy(event_id)
            if first is None or first[0] == fingerprint:
                duplicates += 1
                continue
            conflict = InvalidLine(
                source,
                n,
                f"repeats the event_id of line {first[1]} with other content; give each event its "
                "own event_id (a resent event must be sent unchanged)",
                event_id=event_id,
                field="event_id",
            )
            if rejects is None:
                stop = (raw, conflict)
                break
            rejected += 1
            rejects.write(encode_reject(n, conflict, raw))
            continue
        if desk is not None and desk.pending and desk.next_due <= epoch(event.ts):  # type: ignore[union-attr]
            for answer in desk.due(event.ts):  # type: ignore[union-attr]
                process(answer)
        decision = process(event, fingerprint, n)  # type: ignore[arg-type]
        if decision is not None:
            write(encode(decision) + b"\n")
            outcomes[decision.decision] += 1
            if desk is not None and decision.decision == "hold":
                desk.held(event_id, event.account_id, event.ts)  # type: ignore[union-attr]
        since += 1
        if since >= flush_every:
            checkpoint()
            since = 0
        if progress is not None:
            consumed += len(raw) + 1
            if consumed >= 1 << 20:
                progress(consumed)
                consumed = 0
    # stopped cleanly (end of input, or before a bad line): what was decided is kept with its place
    checkpoint(len(stop[0]) if stop is not None else 0)
    out.flush()
    if progress is not None and consumed:
        progress(consumed)
    if stop is not None:
        raise stop[1]
    summary = ReplaySummary(
        events=events,
        decisions=sum(outcomes.values()),
        duplicates=duplicates,
        rejects=rejected,
        outcomes=dict(outcomes),
        resumed_after=None if start is None else start.input_line,
    )
    summary.seconds = time.perf_counter() - started
    return summary


def resumable(*files: BinaryIO | None) -> bool:
    """Whether positions can be recorded for these files: regular files (not pipes or terminals)."""
    for f in files:
        if f is None:
            continue
        try:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return False
        except (AttributeError, OSError, ValueError):
            return False
    return True


def _tail(fd: int, offset: int) -> int:
    """CRC-32 of the (at most `TAIL`) bytes before `offset`: a cheap check that a file is the same."""
    size = min(TAIL, offset)
    return crc32(os.pread(fd, size, offset - size))


def _where(f: BinaryIO | None) -> str | None:
    return None if f is None else os.path.realpath(f.name)  # type: ignore[arg-type]


class _Marker:
    """Builds the position of the files at a flush (after writing out what they buffer)."""

    def __init__(self, src, out: BinaryIO, rejects: BinaryIO | None) -> None:
        self.src, self.out, self.rejects = src, out, rejects
        self.input, self.output, self.rejects_path = _where(src), _where(out), _where(rejects)

    def position(self, back: int, line: int, last_ts) -> ReplayPosition:
        out, rejects = self.out, self.rejects
        for f in (out, rejects):
            if f is not None:
                f.flush()
                os.fsync(f.fileno())  # the files reach the disk before the state says they did
        offset = self.src.tell() - back
        written = out.tell()
        return ReplayPosition(
            input=self.input,  # type: ignore[arg-type]
            input_offset=offset,
            input_line=line,
            input_tail=_tail(self.src.fileno(), offset),
            last_ts=last_ts,
            output=self.output,  # type: ignore[arg-type]
            output_offset=written,
            output_tail=_tail(out.fileno(), written),
            rejects=self.rejects_path,
            rejects_offset=rejects.tell() if rejects is not None else 0,
        )


def resume_point(position: ReplayPosition | None, events: str, output: str) -> ReplayPosition | None:
    """The recorded position when this run (same input and output files) restarts it, else None:
    another input or output is a new run, whose repeated events the ledger still writes once."""
    if position is None or "-" in (events, output):
        return None
    if position.input != os.path.realpath(events) or position.output != os.path.realpath(output):
        return None
    return position


def continue_at(position: ReplayPosition, src: BinaryIO, out: BinaryIO, rejects: BinaryIO | None) -> None:
    """Set the files back to `position`: the input after its line, the output (and the rejects file,
    when it is the recorded one) truncated to what the state accounts for. Raises `ResumeError`
    when a file is shorter than recorded or its bytes before the offset changed."""
    for f, offset, tail, what in (
        (src, position.input_offset, position.input_tail, "input"),
        (out, position.output_offset, position.output_tail, "output"),
    ):
        size = os.fstat(f.fileno()).st_size
        if size < offset or _tail(f.fileno(), offset) != tail:
            raise ResumeError(
                f"{f.name}: the state's replay stopped at byte {offset:,} of this {what} file, but the "
                f"file {'is shorter' if size < offset else 'has changed'} ({size:,} bytes); restore the "
                "file, or start afresh with a new state (or another output file)"
            )
    src.seek(position.input_offset)
    out.truncate(position.output_offset)
    out.seek(position.output_offset)
    if rejects is not None and position.rejects == _where(rejects):
        size = os.fstat(rejects.fileno()).st_size
        if size < position.rejects_offset:
            raise ResumeError(
                f"{rejects.name}: the state's replay wrote {position.rejects_offset:,} bytes of rejects "
                f"here, the file has {size:,}; restore it or give another rejects file"
            )
        rejects.truncate(position.rejects_offset)
        rejects.seek(position.rejects_offset)


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
