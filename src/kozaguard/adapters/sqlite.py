"""Engine state in one SQLite file: the embedded default, no server needed.

Each repository is a table of `key -> msgpack blob`. Records read or written stay in an identity
map, so the hot path works on Python objects; `flush()` writes the changed ones in one transaction
(the engine's caller flushes every few thousand events and at the end), so a stopped replay resumes
from its last flush, whose transaction also holds the replay's position, and the ledger keeps
repeated events from being applied twice.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgspec

from kozaguard.engine.state import Account, ReplayPosition, Session, State, Symbol
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
    """Processed event ids, their decisions and first copies, and the replay position; pending ones
    are kept in memory until `flush()`, which writes them in the state's transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._pending: dict[str, tuple[Decision | None, int | None, int]] = {}
        self._position: ReplayPosition | None = None
        self._position_changed = False
        self._decode = msgspec.msgpack.Decoder(Decision).decode
        db.execute(
            "CREATE TABLE IF NOT EXISTS ledger"
            " (event_id TEXT PRIMARY KEY, decision BLOB, fingerprint INTEGER, line INTEGER)"
        )
        columns = {row[1] for row in db.execute("PRAGMA table_info(ledger)")}
        for column in ("fingerprint", "line"):  # a ledger written before first copies were kept
            if column not in columns:
                db.execute(f"ALTER TABLE ledger ADD COLUMN {column} INTEGER")
        db.execute("CREATE TABLE IF NOT EXISTS position (name TEXT PRIMARY KEY, value BLOB NOT NULL)")
        row = db.execute("SELECT value FROM position WHERE name = 'replay'").fetchone()
        if row is not None:
            self._position = msgspec.msgpack.decode(row[0], type=ReplayPosition)
        # ids this process recorded: a ledger that started empty needs no query for the others
        self._fresh = db.execute("SELECT 1 FROM ledger LIMIT 1").fetchone() is None
        self._recorded: set[str] = set()

    def _row(self, event_id: str):
        return self._db.execute(
            "SELECT decision, fingerprint, line FROM ledger WHERE event_id = ?", (event_id,)
        ).fetchone()

    def seen(self, event_id: str) -> bool:
        if event_id in self._pending or event_id in self._recorded:
            return True
        return not self._fresh and self._row(event_id) is not None

    def decision(self, event_id: str) -> Decision | None:
        if event_id in self._pending:
            return self._pending[event_id][0]
        row = self._row(event_id)
        return self._decode(row[0]) if row and row[0] is not None else None

    def record(
        self, event_id: str, decision: Decision | None, fingerprint: int | None = None, line: int = 0
    ) -> None:
        self._pending[event_id] = (decision, fingerprint, line)
        if self._fresh:
            self._recorded.add(event_id)

    def first_copy(self, event_id: str) -> tuple[int, int] | None:
        if event_id in self._pending:
            _, fingerprint, line = self._pending[event_id]
        else:
            row = self._row(event_id)
            if row is None:
                return None
            _, fingerprint, line = row
        return None if fingerprint is None else (fingerprint, line)

    def position(self) -> ReplayPosition | None:
        return self._position

    def set_position(self, position: ReplayPosition) -> None:
        self._position, self._position_changed = position, True

    def flush(self) -> None:
        if self._pending:
            self._db.executemany(
                "INSERT OR REPLACE INTO ledger (event_id, decision, fingerprint, line) VALUES (?, ?, ?, ?)",
                [(k, None if d is None else _encode(d), f, n) for k, (d, f, n) in self._pending.items()],
            )
            self._pending.clear()
        if self._position_changed:
            self._db.execute(
                "INSERT OR REPLACE INTO position (name, value) VALUES ('replay', ?)",
                (_encode(self._position),),
            )
            self._position_changed = False


class SqliteState(State):
    """`State` whose repositories live in one SQLite file; `flush()` commits one transaction."""

    def __init__(self, path: str | Path) -> None:
        # the doors call the engine from the HTTP server's threads, one at a time behind the engine's
        # lock (`engine/door.py`): the connection may be used from any of them, never by two at once
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
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
