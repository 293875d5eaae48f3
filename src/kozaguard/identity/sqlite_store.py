"""SQLite twin of the identity store: the app's default, one file named by settings.

Each thread has its own connection (WAL mode), so readers never wait; a transaction starts with
`BEGIN IMMEDIATE`, which takes the database's write lock before the first read, so two requests
checking the same code are serialised by SQLite itself (other processes included).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kozaguard.identity.sealed import SecretBox
from kozaguard.identity.store import KeyValueIdentityStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS identity_records (
    ns    TEXT NOT NULL,
    key   TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (ns, key)
) WITHOUT ROWID;
"""


class SqliteIdentityStore(KeyValueIdentityStore):
    """One table of (namespace, key) -> msgspec JSON."""

    def __init__(self, path: str | Path, box: SecretBox | None = None) -> None:
        self.path = str(path)
        self.box = box
        self._shared = self.path == ":memory:"  # one connection, guarded by a lock
        if not self._shared:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._guard = threading.RLock()
        self._all: list[sqlite3.Connection] = []
        self._one = self._connect() if self._shared else None
        self._conn().executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=30000")
        self._all.append(conn)
        return conn

    def _conn(self) -> sqlite3.Connection:
        if self._one is not None:
            return self._one
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield
            finally:
                self._local.depth = depth
            return
        with self._guard if self._shared else _nothing():
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            self._local.depth = 1
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                self._local.depth = 0

    def _execute(self, sql: str, args: tuple) -> sqlite3.Cursor:
        if self._shared:
            with self._guard:
                return self._conn().execute(sql, args)
        return self._conn().execute(sql, args)

    def _get(self, ns: str, key: str) -> bytes | None:
        row = self._execute(
            "SELECT value FROM identity_records WHERE ns = ? AND key = ?", (ns, key)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def _put(self, ns: str, key: str, value: bytes) -> None:
        self._execute(
            "INSERT INTO identity_records (ns, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value",
            (ns, key, value),
        )

    def _delete(self, ns: str, key: str) -> None:
        self._execute("DELETE FROM identity_records WHERE ns = ? AND key = ?", (ns, key))

    def _scan(self, ns: str) -> list[tuple[str, bytes]]:
        rows = self._execute("SELECT key, value FROM identity_records WHERE ns = ?", (ns,)).fetchall()
        return [(k, bytes(v)) for k, v in rows]

    def close(self) -> None:
        for conn in self._all:
            conn.close()


@contextmanager
def _nothing() -> Iterator[None]:
    yield
