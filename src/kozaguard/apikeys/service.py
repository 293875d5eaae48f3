"""Create, list, revoke and check keys: what the CLI and the HTTP doors call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import msgspec

from kozaguard.apikeys.keys import ApiKey, Principal, Scope, digest, new_secret, split
from kozaguard.apikeys.store import ApiKeyStore

#: `last_used_at` is written at most this often per key, so a busy key does not write on every call.
LAST_USED_GRAIN = timedelta(minutes=1)


class KeyRefused(Exception):
    """A key that does not open this door: `status` 401 (no valid key) or 403 (valid, wrong scope)."""

    def __init__(self, status: int, code: str, message: str, fix: str, wanted: tuple[Scope, ...]) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fix, self.wanted = status, code, message, fix, wanted
        self.message_ja = _JA[code]


class ApiKeys:
    def __init__(self, store: ApiKeyStore, clock: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.clock = clock or (lambda: datetime.now(UTC))

    def create(
        self, scopes: tuple[Scope, ...], name: str = "", staff_id: str | None = None
    ) -> tuple[ApiKey, str]:
        """A new key: the stored record and the key text (shown once, never stored)."""
        if not scopes:
            raise ValueError("a key needs at least one scope")
        key_id, secret, text = new_secret()
        key = ApiKey(
            key_id=key_id,
            name=name,
            scopes=tuple(Scope(s) for s in scopes),
            staff_id=staff_id or None,
            digest=digest(key_id, secret),
            created_at=self.clock(),
        )
        self.store.add(key)
        return key, text

    def list(self) -> list[ApiKey]:
        return self.store.all()

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key from now on (KeyError if there is none); revoking twice keeps the first time."""
        key = self.store.get(key_id)
        if key is None:
            raise KeyError(key_id)
        if key.revoked_at is None:
            key = msgspec.structs.replace(key, revoked_at=self.clock())
            self.store.put(key)
        return key

    def authenticate(self, token: str | None, *wanted: Scope) -> Principal:
        """The caller a key names, if it holds one of the `wanted` scopes; else `KeyRefused`."""
        if not token:
            raise KeyRefused(401, "api_key_missing", "This endpoint needs an API key.", _FIX_MISSING, wanted)
        parts = split(token)
        key = None if parts is None else self.store.get(parts[0])
        if key is None or parts is None or not key.proves(parts[1]):
            raise KeyRefused(401, "api_key_invalid", "The API key is not valid.", _FIX_INVALID, wanted)
        if key.revoked_at is not None:
            raise KeyRefused(401, "api_key_revoked", "The API key was revoked.", _FIX_INVALID, wanted)
        if wanted and not key.allows(*wanted):
            names = " or ".join(s.value for s in wanted)
            raise KeyRefused(
                403,
                "insufficient_scope",
                f"The API key lacks the scope {names}.",
                f"Use a key created with --scope {wanted[0].value}.",
                wanted,
            )
        now = self.clock()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_GRAIN:
            self.store.put(msgspec.structs.replace(key, last_used_at=now))
        return Principal(key.key_id, key.name, key.scopes, key.staff_id)


_JA = {
    "api_key_missing": "APIキーが必要です。",
    "api_key_invalid": "APIキーが正しくありません。",
    "api_key_revoked": "このAPIキーは失効しています。",
    "insufficient_scope": "このAPIキーにはこの操作の権限がありません。",
}
_FIX_MISSING = "Send the key in the X-API-Key header (create one with `kozaguard apikey create`)."
_FIX_INVALID = "Check the X-API-Key header, or create a new key with `kozaguard apikey create`."
