"""Where keys are kept: a protocol, an in-memory store (tests, `store=memory`) and SQLite."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Protocol

import msgspec

from kozaguard.apikeys.keys import ApiKey


class ApiKeyStore(Protocol):
    def add(self, key: ApiKey) -> None: ...
    def get(self, key_id: str) -> ApiKey | None: ...
    def all(self) -> list[ApiKey]: ...
    def put(self, key: ApiKey) -> None: ...


class MemoryApiKeyStore:
    def __init__(self) -> None:
        self._keys: dict[str, ApiKey] = {}
        self._lock = threading.Lock()

    def add(self, key: ApiKey) -> None:
        with self._lock:
            if key.key_id in self._keys:
                raise KeyError(key.key_id)
            self._keys[key.key_id] = key

    def get(self, key_id: str) -> ApiKey | None:
        return self._keys.get(key_id)

    def all(self) -> list[ApiKey]:
        return sorted(self._keys.values(), key=lambda k: k.created_at)

    def put(self, key: ApiKey) -> None:
        with self._lock:
            self._keys[key.key_id] = key


_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id     TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    record     BLOB NOT NULL
) WITHOUT ROWID;
"""
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(ApiKey).decode


class SqliteApiKeyStore:
    """One table of key_id -> the record as JSON. The file is created readable by its owner only.

    Each call opens its own connection, so the CLI can revoke a key while `serve` runs and the next
    request sees it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5.0)

    def add(self, key: ApiKey) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO api_keys (key_id, created_at, record) VALUES (?, ?, ?)",
                (key.key_id, key.created_at.isoformat(), _encode(key)),
            )

    def get(self, key_id: str) -> ApiKey | None:
        with self._db() as db:
            row = db.execute("SELECT record FROM api_keys WHERE key_id = ?", (key_id,)).fetchone()
        return None if row is None else _decode(row[0])

    def all(self) -> list[ApiKey]:
        with self._db() as db:
            rows = db.execute("SELECT record FROM api_keys ORDER BY created_at, key_id").fetchall()
        return [_decode(r[0]) for r in rows]

    def put(self, key: ApiKey) -> None:
        with self._db() as db:
            db.execute("UPDATE api_keys SET record = ? WHERE key_id = ?", (_encode(key), key.key_id))


def open_store(spec: str) -> ApiKeyStore:
    """The store a setting names: `memory` or `sqlite:PATH`."""
    if spec == "memory":
        return MemoryApiKeyStore()
    if spec.startswith("sqlite:") and len(spec) > len("sqlite:"):
        return SqliteApiKeyStore(spec[len("sqlite:") :])
    raise ValueError(f"api_keys: unknown store {spec!r}; use memory or sqlite:PATH")
