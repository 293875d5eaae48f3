"""Engine state in one SQLite file: the embedded default, no server needed.

Each repository is a table of `key -> msgpack blob`. Records read or written stay in an identity
map, so the hot path works on Python objects; `flush()` writes the changed ones in one transaction
(the engine's caller flushes every few thousand events and at the end), so a stopped replay resumes
from its last flush and the ledger keeps repeated events from being applied twice.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgspec

from kozaguard.engine.state import Account, Session, State, Symbol
from kozaguard.events.schema import Decision

K = TypeVar("K")
R = TypeVar("R")

_encode = msgspec.msgpack.Encoder().encode


class SqliteRepository(Generic[K, R]):
    def __init__(self, db: sqlite3.Connection, table: str, kind: Any) -> None:
        self._db, self._table = db, table
        self._decode = msgspec.msgpack.Decoder(kind).decode
        self._cache: dict[K, R] = {}
        self._dirty: set[K] = set()
        db.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        # a table that started empty holds only what this process wrote, all of it in the cache
        self._cached_all = db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None

    def get(self, key: K) -> R | None:
        try:
            return self._cache[key]
        except KeyError:
            if self._cached_all:
                return None
            row = self._db.execute(f"SELECT value FROM {self._table} WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            record = self._cache[key] = self._decode(row[0])
            return record

    def put(self, key: K, record: R) -> None:
        self._cache[key] = record
        self._dirty.add(key)

    def __len__(self) -> int:
        self.flush()
        return self._db.execute(f"SELECT count(*) FROM {self._table}").fetchone()[0]

    def flush(self) -> None:
        if self._dirty:
            self._db.executemany(
                f"INSERT OR REPLACE INTO {self._table} (key, value) VALUES (?, ?)",
                [(k, _encode(self._cache[k])) for k in self._dirty],
            )
            self._dirty.clear()


class SqliteLedger:
    """Processed event ids and their decisions; pending ones are kept in memory until `flush()`."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._pending: dict[str, Decision | None] = {}
        self._decode = msgspec.msgpack.Decoder(Decision).decode
        db.execute("CREATE TABLE IF NOT EXISTS ledger (event_id TEXT PRIMARY KEY, decision BLOB)")
        # ids this process recorded: a ledger that started empty needs no query for the others
        self._fresh = db.execute("SELECT 1 FROM ledger LIMIT 1").fetchone() is None
        self._recorded: set[str] = set()

    def _row(self, event_id: str):
        return self._db.execute("SELECT decision FROM ledger WHERE event_id = ?", (event_id,)).fetchone()

    def seen(self, event_id: str) -> bool:
        if event_id in self._pending or event_id in self._recorded:
            return True
        return not self._fresh and self._row(event_id) is not None

    def decision(self, event_id: str) -> Decision | None:
        if event_id in self._pending:
            return self._pending[event_id]
        row = self._row(event_id)
        return self._decode(row[0]) if row and row[0] is not None else None

    def record(self, event_id: str, decision: Decision | None) -> None:
        self._pending[event_id] = decision
        if self._fresh:
            self._recorded.add(event_id)

    def flush(self) -> None:
        if self._pending:
            self._db.executemany(
                "INSERT OR REPLACE INTO ledger (event_id, decision) VALUES (?, ?)",
                [(k, None if d is None else _encode(d)) for k, d in self._pending.items()],
            )
            self._pending.clear()


class SqliteState(State):
    """`State` whose repositories live in one SQLite file; `flush()` commits one transaction."""

    def __init__(self, path: str | Path) -> None:
        self.db = sqlite3.connect(str(path), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        db = self.db
        super().__init__(
            SqliteRepository(db, "accounts", Account),
            SqliteRepository(db, "sessions", Session),
            SqliteRepository(db, "symbols", Symbol),
            SqliteRepository(db, "fx", float),
            SqliteRepository(db, "watch", list),
            SqliteLedger(db),
        )

    def flush(self) -> None:
        self.db.execute("BEGIN")
        try:
            super().flush()
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.flush()
        self.db.close()
