"""Hash chaining of audit entries, and the check that finds an edited, removed or reordered entry.

Each entry's hash covers its sequence number, time, actor, action, subject and detail, and the hash
of the entry before it. Editing an entry breaks its own hash; removing or moving one breaks the
numbering or the link of the entry after it. Pure: entries in, findings out.

>>> a = seal(Entry(1, "2025-04-21T10:00:00+09:00", "s1", "case.opened", "C000001", {}), GENESIS)
>>> moved = Entry(2, "2025-04-21T10:05:00+09:00", "s1", "case.moved", "C000001", {"to": "investigating"})
>>> b = seal(moved, a.hash)
>>> verify([a, b])
[]
>>> verify([a, Entry(2, b.at, "s2", b.action, b.subject, b.detail, b.prev, b.hash)])[0]
'entry 2 (case.moved C000001 at 2025-04-21T10:05:00+09:00) was edited: its content no longer matches its hash'
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    detail: dict
    prev: str = ""
    hash: str = ""

    def name(self) -> str:
        return f"entry {self.seq} ({self.action} {self.subject} at {self.at})"


def digest(entry: Entry, prev: str) -> str:
    """SHA-256 over the entry's canonical JSON and the previous hash."""
    body = json.dumps(
        [entry.seq, entry.at, entry.actor, entry.action, entry.subject, entry.detail, prev],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def seal(entry: Entry, prev: str) -> Entry:
    """The entry linked to `prev` and stamped with its hash."""
    return replace(entry, prev=prev, hash=digest(entry, prev))


def _moved_from(e: Entry, upto: int) -> int | None:
    """The sequence number under which an entry's content does hash right, if any (a reordering)."""
    for seq in range(1, upto + 1):
        if seq != e.seq and digest(replace(e, seq=seq), e.prev) == e.hash:
            return seq
    return None


def verify(entries: list[Entry], head: tuple[int, str] | None = None) -> list[str]:
    """Every problem in the chain, each naming the entry; empty when the log is intact.

    `entries` come in storage order (by sequence number). `head` is the last (seq, hash) the log
    recorded when it was written: it catches entries removed from the end.
    """
    problems: list[str] = []
    prev_hash, expected = GENESIS, 1
    for e in entries:
        if e.seq != expected:
            if e.seq > expected:
                missing = (
                    f"entry {expected}" if e.seq == expected + 1 else f"entries {expected} to {e.seq - 1}"
                )
                problems.append(f"{missing} removed: {e.name()} follows entry {expected - 1}")
            else:
                problems.append(f"{e.name()} is out of order: it comes after entry {expected - 1}")
        if e.hash != digest(e, e.prev):
            origin = _moved_from(e, len(entries) + 1)
            if origin is not None:
                problems.append(f"{e.name()} was moved: it was written as entry {origin}")
            else:
                problems.append(f"{e.name()} was edited: its content no longer matches its hash")
        elif e.prev != prev_hash:
            problems.append(
                f"{e.name()} does not follow the entry before it: an entry was removed or reordered before it"
            )
        prev_hash, expected = e.hash, e.seq + 1
    if head is not None:
        last_seq, last_hash = head
        if not entries or entries[-1].seq < last_seq:
            have = entries[-1].seq if entries else 0
            problems.append(f"entries {have + 1} to {last_seq} removed from the end of the log")
        elif entries[-1].seq == last_seq and entries[-1].hash != last_hash:
            problems.append(f"{entries[-1].name()} is not the entry the log last recorded")
    return problems
