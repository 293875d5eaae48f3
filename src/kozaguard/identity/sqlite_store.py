"""SQLite twin of the identity store: the app's default, one file named by settings."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

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
    """One table of (namespace, key) -> msgspec JSON; WAL mode, one connection guarded by a lock."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)
        self._db_lock = threading.Lock()

    def _get(self, ns: str, key: str) -> bytes | None:
        with self._db_lock:
            row = self._conn.execute(
                "SELECT value FROM identity_records WHERE ns = ? AND key = ?", (ns, key)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def _put(self, ns: str, key: str, value: bytes) -> None:
        with self._db_lock:
            self._conn.execute(
                "INSERT INTO identity_records (ns, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value",
                (ns, key, value),
            )

    def _delete(self, ns: str, key: str) -> None:
        with self._db_lock:
            self._conn.execute("DELETE FROM identity_records WHERE ns = ? AND key = ?", (ns, key))

    def close(self) -> None:
        self._conn.close()
